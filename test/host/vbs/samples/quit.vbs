' quit.vbs - WScript.Quit ends the script with its code.
WScript.Echo "one"
For i = 1 To 10
    If i = 2 Then WScript.Quit 3
Next
WScript.Echo "two"
