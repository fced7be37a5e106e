@echo off
rem Double-click to start the Chi tieu dashboard on Windows (needs Python 3.11+ from python.org).
rem The server runs headless (.streamlit/config.toml): no first-run prompt; the browser opens by itself.
cd /d "%~dp0"
where py >nul 2>nul
if %errorlevel%==0 (py -3 tasks.py run %*) else (python tasks.py run %*)
if errorlevel 1 pause
