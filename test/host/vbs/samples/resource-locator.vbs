' resource-locator.vbs - IWSManResourceLocator: selectors, options and fragments.
' Usage: cscript //nologo resource-locator.vbs /url:... /user:... /password:...
Option Explicit
Dim args, wsman, options, session, flags
Set args = WScript.Arguments.Named
Set wsman = CreateObject("WSMan.Automation")
Set options = wsman.CreateConnectionOptions
options.UserName = args("user")
options.Password = args("password")
flags = wsman.SessionFlagUseBasic Or wsman.SessionFlagCredUsernamePassword Or wsman.SessionFlagNoEncryption
Set session = wsman.CreateSession(args("url"), flags, options)

Dim locator, whole, fragment

Function StateOf(xml)
    Dim re
    Set re = New RegExp
    re.Pattern = "<p:State[^>]*>([^<]*)<"
    StateOf = re.Execute(xml)(0).SubMatches(0)
End Function

Set locator = wsman.CreateResourceLocator("http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service")
locator.AddSelector "Name", "WinRM"
locator.AddOption "__cimnamespace", "root/cimv2"
WScript.Echo "ResourceURI: " & locator.ResourceURI

whole = session.Get(locator)
WScript.Echo "whole instance names WinRM: " & (InStr(whole, "<p:Name>WinRM</p:Name>") > 0)

locator.FragmentPath = "State"
WScript.Echo "FragmentDialect: " & locator.FragmentDialect
fragment = session.Get(locator)
WScript.Echo "fragment: " & StateOf(fragment)

locator.ClearSelectors
locator.AddSelector "Name", "Spooler"
WScript.Echo "Spooler fragment: " & StateOf(session.Get(locator))
