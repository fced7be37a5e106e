"""Re-export: the product's user-facing error lives in chitieu.errors."""
from chitieu.errors import UserError

__all__ = ["UserError"]
