' put.vbs - Session.Put of winrm/config, then read back.
' Usage: cscript //nologo put.vbs /url:... /user:... /password:... /size:1024
Option Explicit
Dim args, wsman, options, session, flags
Set args = WScript.Arguments.Named
Set wsman = CreateObject("WSMan.Automation")
Set options = wsman.CreateConnectionOptions
options.UserName = args("user")
options.Password = args("password")
flags = wsman.SessionFlagUseBasic Or wsman.SessionFlagCredUsernamePassword Or wsman.SessionFlagNoEncryption
Set session = wsman.CreateSession(args("url"), flags, options)

Const CONFIG_NS = "http://schemas.microsoft.com/wbem/wsman/1/config"
Dim update, result

Function MaxEnvelopeSize(xml)
    Dim startAt, endAt
    startAt = InStr(xml, "<cfg:MaxEnvelopeSizekb>") + Len("<cfg:MaxEnvelopeSizekb>")
    endAt = InStr(startAt, xml, "</cfg:MaxEnvelopeSizekb>")
    MaxEnvelopeSize = CLng(Mid(xml, startAt, endAt - startAt))
End Function

WScript.Echo "MaxEnvelopeSizekb before: " & MaxEnvelopeSize(session.Get("winrm/config"))
update = "<cfg:Config xmlns:cfg=""" & CONFIG_NS & """>" & _
         "<cfg:MaxEnvelopeSizekb>" & args("size") & "</cfg:MaxEnvelopeSizekb>" & _
         "</cfg:Config>"
result = session.Put("winrm/config", update)
WScript.Echo "Put returned MaxEnvelopeSizekb " & MaxEnvelopeSize(result)
WScript.Echo "MaxEnvelopeSizekb after: " & MaxEnvelopeSize(session.Get("winrm/config"))
WScript.Echo "TypeName: " & TypeName(MaxEnvelopeSize(result))
