' get.vbs - Session.Get of winrm/config and of a WMI instance chosen by a selector.
' Usage: cscript //nologo get.vbs /url:... /user:... /password:... [service]
Option Explicit
Dim args, wsman, options, session, flags
Set args = WScript.Arguments.Named
Set wsman = CreateObject("WSMan.Automation")
Set options = wsman.CreateConnectionOptions
options.UserName = args("user")
options.Password = args("password")
flags = wsman.SessionFlagUseBasic Or wsman.SessionFlagCredUsernamePassword Or wsman.SessionFlagNoEncryption
Set session = wsman.CreateSession(args("url"), flags, options)

Dim serviceName, config, service
If WScript.Arguments.Unnamed.Count > 0 Then
    serviceName = WScript.Arguments.Unnamed(0)
Else
    serviceName = "Spooler"
End If

Function Field(xml, prefix, name)
    Dim re, matches
    Set re = New RegExp
    re.Pattern = "<" & prefix & ":" & name & ">([^<]*)<"
    Set matches = re.Execute(xml)
    If matches.Count > 0 Then
        Field = matches(0).SubMatches(0)
    Else
        Field = "(none)"
    End If
End Function

config = session.Get("winrm/config")
WScript.Echo "winrm/config"
WScript.Echo "  MaxEnvelopeSizekb = " & Field(config, "cfg", "MaxEnvelopeSizekb")
WScript.Echo "  MaxTimeoutms      = " & Field(config, "cfg", "MaxTimeoutms")
WScript.Echo "  MaxBatchItems     = " & Field(config, "cfg", "MaxBatchItems")

service = session.Get("http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service?Name=" & serviceName)
WScript.Echo "Win32_Service?Name=" & serviceName
WScript.Echo "  DisplayName = " & Field(service, "p", "DisplayName")
WScript.Echo "  State       = " & Field(service, "p", "State")
WScript.Echo "  StartMode   = " & Field(service, "p", "StartMode")
