' invoke.vbs - Session.Invoke of StopService / StartService on a Win32_Service instance.
' Usage: cscript //nologo invoke.vbs /url:... /user:... /password:... /service:Spooler
Option Explicit
Dim args, wsman, options, session, flags
Set args = WScript.Arguments.Named
Set wsman = CreateObject("WSMan.Automation")
Set options = wsman.CreateConnectionOptions
options.UserName = args("user")
options.Password = args("password")
flags = wsman.SessionFlagUseBasic Or wsman.SessionFlagCredUsernamePassword Or wsman.SessionFlagNoEncryption
Set session = wsman.CreateSession(args("url"), flags, options)

Const CLASS_URI = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service"
Dim instance
instance = CLASS_URI & "?Name=" & args("service")

Function ReadValue(xml, name)
    Dim re
    Set re = New RegExp
    re.Pattern = "<p:" & name & ">([^<]*)<"
    ReadValue = re.Execute(xml)(0).SubMatches(0)
End Function

Function State()
    State = ReadValue(session.Get(instance), "State")
End Function

Function Invoke(method)
    Dim inputXml
    inputXml = "<p:" & method & "_INPUT xmlns:p=""" & CLASS_URI & """/>"
    Invoke = ReadValue(session.Invoke(method, instance, inputXml), "ReturnValue")
End Function

WScript.Echo args("service") & " is " & State()
WScript.Echo "StopService returned " & Invoke("StopService") & ", now " & State()
WScript.Echo "StartService returned " & Invoke("StartService") & ", now " & State()
WScript.Echo "StartService again returned " & Invoke("StartService")
