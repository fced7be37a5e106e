@echo off
rem Double-click to start the Chi tieu dashboard on Windows (needs Python 3.11+ from python.org).
cd /d "%~dp0"
py tasks.py run %*
if errorlevel 1 pause
