' syntax-error.vbs - a compile error stops the script before its first statement.
WScript.Echo "never printed"
Dim x
If x = 1 WScript.Echo "missing Then"
