' errors.vbs - failures as a VBScript sees them: On Error Resume Next, Err and Session.Error.
' Usage: cscript //nologo errors.vbs /url:... /user:... /password:...
Dim args, wsman, options, session, flags
Set args = WScript.Arguments.Named
Set wsman = CreateObject("WSMan.Automation")
Set options = wsman.CreateConnectionOptions
options.UserName = args("user")
options.Password = args("password")
flags = wsman.SessionFlagUseBasic Or wsman.SessionFlagCredUsernamePassword Or wsman.SessionFlagNoEncryption
Set session = wsman.CreateSession(args("url"), flags, options)

Dim fault, nowhere, re

Set re = New RegExp
On Error Resume Next

' A WMI instance that does not exist: the service's fault.
session.Get "wmicimv2/Win32_Service?Name=NoSuchService"
If Err.Number <> 0 Then
    WScript.Echo "Error number: " & Err.Number & " 0x" & Hex(Err.Number)
    WScript.Echo "Code: " & (Err.Number And &HFFFF&)
    WScript.Echo "Description: " & Err.Description
    fault = session.Error
    re.Pattern = "Code=""(\d+)"""
    WScript.Echo "Session.Error Code: " & re.Execute(fault)(0).SubMatches(0)
    re.Pattern = "Machine=""([^""]*)"""
    WScript.Echo "Session.Error Machine: " & re.Execute(fault)(0).SubMatches(0)
    Err.Clear
End If

' Nothing listens on port 1: the WinHTTP error, as on Windows.
Set nowhere = wsman.CreateSession("http://127.0.0.1:1/wsman", flags, options)
nowhere.Identify
WScript.Echo "Identify at port 1: 0x" & Hex(Err.Number) & ", WinHTTP code " & (Err.Number And &HFFFF&)
Err.Clear

' A rule the client checks before sending anything.
wsman.CreateSession args("url"), wsman.SessionFlagUseBasic, options
WScript.Echo "CreateSession without CredUsernamePassword: 0x" & Hex(Err.Number)
Err.Clear

' A member the object does not have, and a method called with too few arguments.
session.NoSuchMember
WScript.Echo "NoSuchMember: " & Err.Number & " " & Err.Description
Err.Clear
session.Put "winrm/config"
WScript.Echo "Put with one argument: " & Err.Number & " " & Err.Description
Err.Clear

' An unknown ProgID.
Set other = CreateObject("No.Such.Object")
WScript.Echo "CreateObject: " & Err.Number & " " & Err.Description
On Error GoTo 0

' Unhandled: cscript prints the error and the script ends with 1.
WScript.Echo "before"
session.Get "wmicimv2/Win32_Service?Name=NoSuchService"
WScript.Echo "not reached"
