'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
' winrm-tool.vbs - a command line tool for Windows Remote Management, written the way
' Windows' own winrm.vbs is written: an argument parser class, Dictionaries for switches,
' hashtables and aliases, RegExp for parsing, MSXML with an XSLT for text output,
' FileSystemObject for input files and logs, WScript.Shell.RegRead for the local machine,
' and IWSManEx.CommandLine to know how it was started.
'
' Usage:
'   cscript //nologo winrm-tool.vbs OPERATION RESOURCE_URI [-SWITCH:VALUE [...]]
'                                   [@{KEY="VALUE"[;KEY="VALUE"]}]
'
' Operations: get, set, enumerate (e), invoke (i), identify (id), helpmsg, localinfo, help (?)
'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
Option Explicit

'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
' Constants
'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''

Const TOOL_NAME = "winrm-tool"
Const TOOL_VERSION = "1.4"

' Operations
Const OP_GET = "get"
Const OP_SET = "set"
Const OP_ENUM = "enumerate"
Const OP_INVOKE = "invoke"
Const OP_IDENTIFY = "identify"
Const OP_HELPMSG = "helpmsg"
Const OP_LOCALINFO = "localinfo"
Const OP_HELP = "help"

' Switch names (as typed after - or /)
Const SW_REMOTE = "remote"
Const SW_USERNAME = "username"
Const SW_PASSWORD = "password"
Const SW_AUTH = "authentication"
Const SW_UNENCRYPTED = "unencrypted"
Const SW_USESSL = "usessl"
Const SW_FORMAT = "format"
Const SW_FILE = "file"
Const SW_FILTER = "filter"
Const SW_DIALECT = "dialect"
Const SW_RETURNTYPE = "returntype"
Const SW_SHALLOW = "shallow"
Const SW_BASEPROPSONLY = "basepropertiesonly"
Const SW_FRAGMENT = "fragment"
Const SW_OPTIONS = "options"
Const SW_TIMEOUT = "timeout"
Const SW_LOG = "log"
Const SW_BATCH = "batch"
Const SW_SKIPCACHECK = "skipcacheck"
Const SW_SKIPCNCHECK = "skipcncheck"
Const SW_QUIET = "quiet"

' Output formats
Const FORMAT_TEXT = "text"
Const FORMAT_XML = "xml"
Const FORMAT_PRETTY = "pretty"

' Dialects
Const DIALECT_WQL = "http://schemas.microsoft.com/wbem/wsman/1/WQL"
Const DIALECT_SELECTOR = "http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter"
Const DIALECT_ASSOCIATION = "http://schemas.dmtf.org/wbem/wsman/1/cimbinding/associationFilter"

' Namespaces
Const NS_WSMANFAULT = "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"
Const NS_IDENTITY = "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"
Const NS_CONFIG = "http://schemas.microsoft.com/wbem/wsman/1/config"
Const NS_CIMV2 = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/"
Const NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"

' Enumeration flags (IWSManEnumFlags)
Const ENUM_FLAG_RETURN_OBJECT = 1
Const ENUM_FLAG_RETURN_EPR = 2
Const ENUM_FLAG_RETURN_OBJECT_AND_EPR = 3
Const ENUM_FLAG_HIERARCHY_SHALLOW = 32
Const ENUM_FLAG_HIERARCHY_DEEP_BASE_PROPS = 64

' Exit codes
Const EXIT_OK = 0
Const EXIT_USAGE = 1
Const EXIT_FAULT = 2

' Registry values read for localinfo
Const REG_CURRENT_VERSION = "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\"
Const REG_WINRM_SERVICE = "HKLM\SYSTEM\CurrentControlSet\Services\WinRM\"

' File modes
Const ForReading = 1
Const ForWriting = 2
Const ForAppending = 8

'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
' Globals
'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''

Dim g_wsman         ' WSMan.Automation
Dim g_fso           ' Scripting.FileSystemObject
Dim g_shell         ' WScript.Shell
Dim g_log           ' Logger
Dim g_aliases       ' Dictionary: alias prefix -> resource URI prefix
Dim g_exitCode

g_exitCode = EXIT_OK

'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
' Class Logger: writes what the tool does to a log file when -log:PATH is given
'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
Class Logger
    Private m_stream
    Private m_enabled
    Private m_lines

    Private Sub Class_Initialize()
        m_enabled = False
        m_lines = 0
        Set m_stream = Nothing
    End Sub

    Private Sub Class_Terminate()
        CloseLog
    End Sub

    Public Sub OpenLog(path)
        Dim folder
        folder = g_fso.GetParentFolderName(g_fso.GetAbsolutePathName(path))
        If Not g_fso.FolderExists(folder) Then
            Err.Raise 76, TOOL_NAME, "Path not found: " & folder
        End If
        Set m_stream = g_fso.OpenTextFile(path, ForAppending, True)
        m_enabled = True
    End Sub

    Public Sub WriteEntry(category, text)
        If Not m_enabled Then Exit Sub
        m_stream.WriteLine "[" & category & "] " & text
        m_lines = m_lines + 1
    End Sub

    Public Property Get LineCount()
        LineCount = m_lines
    End Property

    Public Property Get Enabled()
        Enabled = m_enabled
    End Property

    Public Sub CloseLog()
        If m_enabled Then
            m_stream.Close
            m_enabled = False
        End If
    End Sub
End Class

'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
' Class HashtableParser: @{Key="Value";Other="Value 2"} as a Dictionary, keys kept in order
'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
Class HashtableParser
    Private m_regex
    Private m_lastError

    Private Sub Class_Initialize()
        Set m_regex = New RegExp
        m_regex.Global = True
        m_regex.IgnoreCase = True
        ' a key, an equals sign, and a quoted value ("" inside a value stands for one quote)
        m_regex.Pattern = "\s*([A-Za-z_][\w\-\.]*)\s*=\s*""((?:[^""]|"""")*)""\s*(;|$)"
        m_lastError = ""
    End Sub

    Public Property Get LastError()
        LastError = m_lastError
    End Property

    Public Function IsHashtable(text)
        IsHashtable = (Left(text, 2) = "@{" And Right(text, 1) = "}")
    End Function

    ' Returns a Dictionary, or Nothing with LastError set
    Public Function Parse(text)
        Dim body, matches, match, result, consumed, key, value
        Set Parse = Nothing
        If Not IsHashtable(text) Then
            m_lastError = "A hashtable starts with @{ and ends with }: " & text
            Exit Function
        End If
        body = Mid(text, 3, Len(text) - 3)
        Set result = CreateObject("Scripting.Dictionary")
        result.CompareMode = vbTextCompare
        If Trim(body) = "" Then
            Set Parse = result
            Exit Function
        End If
        Set matches = m_regex.Execute(body)
        consumed = 0
        For Each match In matches
            If match.FirstIndex <> consumed Then
                m_lastError = "Unexpected text in hashtable at position " & (consumed + 1) & ": " & Mid(body, consumed + 1)
                Exit Function
            End If
            key = match.SubMatches(0)
            value = Replace(match.SubMatches(1), """""", """")
            If result.Exists(key) Then
                m_lastError = "The key " & key & " is given twice."
                Exit Function
            End If
            result.Add key, value
            consumed = match.FirstIndex + match.Length
        Next
        If consumed <> Len(body) Then
            m_lastError = "Unexpected text in hashtable at position " & (consumed + 1) & ": " & Mid(body, consumed + 1)
            Exit Function
        End If
        Set Parse = result
    End Function
End Class

'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
' Class ArgumentParser: operation, resource, -switch:value pairs and hashtables
'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
Class ArgumentParser
    Private m_operation
    Private m_action
    Private m_resource
    Private m_switches
    Private m_valueSet
    Private m_shortNames
    Private m_flagSwitches
    Private m_errors
    Private m_switchRegex
    Private m_hashParser

    Private Sub Class_Initialize()
        m_operation = ""
        m_action = ""
        m_resource = ""
        Set m_valueSet = Nothing
        Set m_switches = CreateObject("Scripting.Dictionary")
        m_switches.CompareMode = vbTextCompare
        Set m_errors = CreateObject("Scripting.Dictionary")
        Set m_hashParser = New HashtableParser
        Set m_switchRegex = New RegExp
        m_switchRegex.Pattern = "^[-/]([A-Za-z][A-Za-z0-9]*)(?::(.*))?$"
        m_switchRegex.IgnoreCase = True

        ' the short forms winrm.vbs accepts
        Set m_shortNames = CreateObject("Scripting.Dictionary")
        m_shortNames.CompareMode = vbTextCompare
        m_shortNames.Add "r", SW_REMOTE
        m_shortNames.Add "u", SW_USERNAME
        m_shortNames.Add "p", SW_PASSWORD
        m_shortNames.Add "a", SW_AUTH
        m_shortNames.Add "f", SW_FILTER
        m_shortNames.Add "d", SW_DIALECT
        m_shortNames.Add "o", SW_OPTIONS
        m_shortNames.Add "q", SW_QUIET

        ' switches that take no value
        Set m_flagSwitches = CreateObject("Scripting.Dictionary")
        m_flagSwitches.CompareMode = vbTextCompare
        m_flagSwitches.Add SW_UNENCRYPTED, True
        m_flagSwitches.Add SW_USESSL, True
        m_flagSwitches.Add SW_SHALLOW, True
        m_flagSwitches.Add SW_BASEPROPSONLY, True
        m_flagSwitches.Add SW_SKIPCACHECK, True
        m_flagSwitches.Add SW_SKIPCNCHECK, True
        m_flagSwitches.Add SW_QUIET, True
    End Sub

    Public Property Get Operation()
        Operation = m_operation
    End Property

    Public Property Get Action()
        Action = m_action
    End Property

    Public Property Get Resource()
        Resource = m_resource
    End Property

    Public Property Get ValueSet()
        Set ValueSet = m_valueSet
    End Property

    Public Property Get HasValueSet()
        HasValueSet = Not (m_valueSet Is Nothing)
    End Property

    Public Property Get ErrorCount()
        ErrorCount = m_errors.Count
    End Property

    Public Function ErrorText()
        ErrorText = Join(m_errors.Items, vbCrLf)
    End Function

    Public Function IsSwitch(name)
        IsSwitch = m_switches.Exists(name)
    End Function

    Public Function SwitchValue(name, defaultValue)
        If m_switches.Exists(name) Then
            SwitchValue = m_switches(name)
        Else
            SwitchValue = defaultValue
        End If
    End Function

    Public Property Get SwitchCount()
        SwitchCount = m_switches.Count
    End Property

    Private Sub AddError(text)
        m_errors.Add m_errors.Count, text
    End Sub

    Private Function LongName(name)
        If m_shortNames.Exists(name) Then
            LongName = m_shortNames(name)
        Else
            LongName = LCase(name)
        End If
    End Function

    Private Function NormalizeOperation(word)
        Select Case LCase(word)
            Case "get", "g"
                NormalizeOperation = OP_GET
            Case "set", "s", "put"
                NormalizeOperation = OP_SET
            Case "enumerate", "enum", "e"
                NormalizeOperation = OP_ENUM
            Case "invoke", "i"
                NormalizeOperation = OP_INVOKE
            Case "identify", "id"
                NormalizeOperation = OP_IDENTIFY
            Case "helpmsg"
                NormalizeOperation = OP_HELPMSG
            Case "localinfo", "li"
                NormalizeOperation = OP_LOCALINFO
            Case "help", "?", "-?", "/?"
                NormalizeOperation = OP_HELP
            Case Else
                NormalizeOperation = ""
        End Select
    End Function

    Public Sub Parse(args)
        Dim i, arg, match, name, value, positional, parsed
        positional = 0
        If args.Count = 0 Then
            m_operation = OP_HELP
            Exit Sub
        End If
        For i = 0 To args.Count - 1
            arg = args(i)
            If m_hashParser.IsHashtable(arg) Then
                If HasValueSet Then
                    AddError "Only one hashtable may be given."
                Else
                    Set parsed = m_hashParser.Parse(arg)
                    If parsed Is Nothing Then
                        AddError m_hashParser.LastError
                    Else
                        Set m_valueSet = parsed
                    End If
                End If
            ElseIf m_switchRegex.Test(arg) Then
                Set match = m_switchRegex.Execute(arg)(0)
                name = LongName(match.SubMatches(0))
                value = match.SubMatches(1)
                If m_switches.Exists(name) Then
                    AddError "The switch -" & name & " is given twice."
                ElseIf m_flagSwitches.Exists(name) Then
                    If Not IsEmpty(value) And value <> "" Then
                        AddError "The switch -" & name & " takes no value."
                    Else
                        m_switches.Add name, True
                    End If
                Else
                    If IsEmpty(value) Then
                        AddError "The switch -" & name & " needs a value, as in -" & name & ":VALUE."
                    Else
                        m_switches.Add name, value
                    End If
                End If
            Else
                positional = positional + 1
                Select Case positional
                    Case 1
                        m_operation = NormalizeOperation(arg)
                        If m_operation = "" Then AddError "Unknown operation: " & arg
                    Case 2
                        If m_operation = OP_INVOKE Then
                            m_action = arg
                        Else
                            m_resource = arg
                        End If
                    Case 3
                        If m_operation = OP_INVOKE Then
                            m_resource = arg
                        Else
                            AddError "Unexpected argument: " & arg
                        End If
                    Case Else
                        AddError "Unexpected argument: " & arg
                End Select
            End If
        Next
        Validate
    End Sub

    Private Sub Validate()
        Select Case m_operation
            Case OP_GET, OP_SET, OP_ENUM
                If m_resource = "" Then AddError "The " & m_operation & " operation needs a resource URI."
            Case OP_INVOKE
                If m_action = "" Or m_resource = "" Then AddError "The invoke operation needs an action and a resource URI."
            Case OP_HELPMSG
                If m_resource = "" Then AddError "helpmsg needs an error number."
        End Select
        If m_operation = OP_SET And Not HasValueSet And Not IsSwitch(SW_FILE) Then
            AddError "set needs a hashtable @{...} or -file:PATH."
        End If
        If IsSwitch(SW_PASSWORD) And Not IsSwitch(SW_USERNAME) Then
            AddError "-password is given without -username."
        End If
        If IsSwitch(SW_FORMAT) Then
            Select Case LCase(SwitchValue(SW_FORMAT, ""))
                Case FORMAT_TEXT, FORMAT_XML, FORMAT_PRETTY
                Case Else
                    AddError "Unknown format: " & SwitchValue(SW_FORMAT, "")
            End Select
        End If
        If IsSwitch(SW_TIMEOUT) Then
            If Not IsNumeric(SwitchValue(SW_TIMEOUT, "")) Then AddError "-timeout needs a number of milliseconds."
        End If
        If IsSwitch(SW_BATCH) Then
            If Not IsNumeric(SwitchValue(SW_BATCH, "")) Then
                AddError "-batch needs a number of items."
            ElseIf CLng(SwitchValue(SW_BATCH, 0)) < 1 Then
                AddError "-batch needs a number of items."
            End If
        End If
    End Sub
End Class

'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
' Class ResourceBuilder: an alias or URI with ?selectors turned into an IWSManResourceLocator
'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
Class ResourceBuilder
    Private m_uri
    Private m_selectors
    Private m_selectorRegex

    Private Sub Class_Initialize()
        m_uri = ""
        Set m_selectors = CreateObject("Scripting.Dictionary")
        m_selectors.CompareMode = vbTextCompare
        Set m_selectorRegex = New RegExp
        m_selectorRegex.Global = True
        m_selectorRegex.Pattern = "([^=+&]+)=([^+&]*)"
    End Sub

    Public Property Get Uri()
        Uri = m_uri
    End Property

    Public Property Get Selectors()
        Set Selectors = m_selectors
    End Property

    Public Function ExpandAlias(text)
        Dim prefix, slash, head
        slash = InStr(text, "/")
        If slash = 0 Then
            head = text
        Else
            head = Left(text, slash - 1)
        End If
        ExpandAlias = text
        If InStr(text, "://") > 0 Then Exit Function
        For Each prefix In g_aliases.Keys
            If LCase(head) = LCase(prefix) Then
                ExpandAlias = g_aliases(prefix) & Mid(text, Len(prefix) + 2)
                Exit Function
            End If
        Next
    End Function

    Public Sub Parse(text)
        Dim question, query, matches, match
        question = InStr(text, "?")
        If question > 0 Then
            m_uri = ExpandAlias(Left(text, question - 1))
            query = Mid(text, question + 1)
            Set matches = m_selectorRegex.Execute(query)
            For Each match In matches
                m_selectors(Trim(match.SubMatches(0))) = match.SubMatches(1)
            Next
        Else
            m_uri = ExpandAlias(text)
        End If
        ' a trailing slash never names a different resource
        If Right(m_uri, 1) = "/" Then m_uri = Left(m_uri, Len(m_uri) - 1)
    End Sub

    Public Function ToLocator(parser)
        Dim locator, key, optionSet, hashParser
        Set locator = g_wsman.CreateResourceLocator(m_uri)
        For Each key In m_selectors
            locator.AddSelector key, m_selectors(key)
        Next
        If parser.IsSwitch(SW_FRAGMENT) Then
            locator.FragmentPath = parser.SwitchValue(SW_FRAGMENT, "")
        End If
        If parser.IsSwitch(SW_OPTIONS) Then
            Set hashParser = New HashtableParser
            Set optionSet = hashParser.Parse(parser.SwitchValue(SW_OPTIONS, ""))
            If optionSet Is Nothing Then
                Err.Raise 5, TOOL_NAME, "Bad -options: " & hashParser.LastError
            End If
            For Each key In optionSet.Keys
                locator.AddOption key, optionSet(key)
            Next
        End If
        Set ToLocator = locator
    End Function

    Public Function Describe()
        Dim text, key, separator
        text = m_uri
        separator = "?"
        For Each key In m_selectors.Keys
            text = text & separator & key & "=" & m_selectors(key)
            separator = "+"
        Next
        Describe = text
    End Function
End Class

'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
' Class OutputFormatter: XML as it came, indented, or as text through an XSLT
'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
Class OutputFormatter
    Private m_format
    Private m_textStyle
    Private m_prettyStyle
    Private m_quiet

    Private Sub Class_Initialize()
        m_format = FORMAT_TEXT
        m_quiet = False
        Set m_textStyle = Nothing
        Set m_prettyStyle = Nothing
    End Sub

    Public Property Let Format(value)
        m_format = LCase(value)
    End Property

    Public Property Get Format()
        Format = m_format
    End Property

    Public Property Let Quiet(value)
        m_quiet = value
    End Property

    ' The stylesheet winrm.vbs keeps in WsmTxt.xsl, in spirit: one line per leaf,
    ' "Name = value", nested elements as headings indented four spaces per level.
    Private Function TextStylesheet()
        Dim xsl
        xsl = "<xsl:stylesheet version=""1.0"" xmlns:xsl=""http://www.w3.org/1999/XSL/Transform"">" & _
              "<xsl:output method=""text""/>" & _
              "<xsl:template match=""/"">" & _
                "<xsl:apply-templates select=""*""><xsl:with-param name=""depth"" select=""''""/></xsl:apply-templates>" & _
              "</xsl:template>" & _
              "<xsl:template match=""*[*]"">" & _
                "<xsl:param name=""depth""/>" & _
                "<xsl:value-of select=""concat($depth, local-name())""/><xsl:text>&#10;</xsl:text>" & _
                "<xsl:apply-templates select=""*""><xsl:with-param name=""depth"" select=""concat($depth, '    ')""/></xsl:apply-templates>" & _
              "</xsl:template>" & _
              "<xsl:template match=""*"">" & _
                "<xsl:param name=""depth""/>" & _
                "<xsl:value-of select=""concat($depth, local-name(), ' = ')""/>" & _
                "<xsl:choose>" & _
                  "<xsl:when test=""@*[local-name()='nil'] = 'true'"">[null]</xsl:when>" & _
                  "<xsl:otherwise><xsl:value-of select="".""/></xsl:otherwise>" & _
                "</xsl:choose>" & _
                "<xsl:text>&#10;</xsl:text>" & _
              "</xsl:template>" & _
              "</xsl:stylesheet>"
        TextStylesheet = xsl
    End Function

    Private Function LoadStyle(text)
        Dim doc
        Set doc = CreateObject("MSXML2.DOMDocument.6.0")
        doc.async = False
        If Not doc.loadXML(text) Then
            Err.Raise 5, TOOL_NAME, "Internal stylesheet error: " & doc.parseError.reason
        End If
        Set LoadStyle = doc
    End Function

    Private Function Indent(node, depth)
        Dim child, text, pad, hasElements
        pad = Space(depth * 2)
        hasElements = False
        For Each child In node.childNodes
            If child.nodeType = 1 Then hasElements = True
        Next
        If Not hasElements Then
            Indent = pad & node.xml & vbCrLf
            Exit Function
        End If
        text = pad & "<" & node.nodeName
        Dim attribute
        For Each attribute In node.attributes
            text = text & " " & attribute.nodeName & "=""" & attribute.nodeValue & """"
        Next
        text = text & ">" & vbCrLf
        For Each child In node.childNodes
            If child.nodeType = 1 Then text = text & Indent(child, depth + 1)
        Next
        Indent = text & pad & "</" & node.nodeName & ">" & vbCrLf
    End Function

    ' Returns the text to print for one XML fragment (a resource, an item, a reply)
    Public Function Render(xml)
        Dim doc
        If m_format = FORMAT_XML Then
            Render = xml
            Exit Function
        End If
        Set doc = CreateObject("MSXML2.DOMDocument.6.0")
        doc.async = False
        If Not doc.loadXML(xml) Then
            ' not XML after all (a plain string reply): print it as it is
            Render = xml
            Exit Function
        End If
        If m_format = FORMAT_PRETTY Then
            Render = Indent(doc.documentElement, 0)
        Else
            If m_textStyle Is Nothing Then Set m_textStyle = LoadStyle(TextStylesheet())
            Render = doc.transformNode(m_textStyle)
        End If
    End Function

    Public Sub Emit(xml)
        Dim text, lines, i, last
        text = Render(xml)
        text = Replace(text, vbCrLf, vbLf)
        If Right(text, 1) = vbLf Then text = Left(text, Len(text) - 1)
        lines = Split(text, vbLf)
        last = UBound(lines)
        For i = 0 To last
            WScript.Echo lines(i)
        Next
        g_log.WriteEntry "output", (last + 1) & " line(s)"
    End Sub

    Public Sub Message(text)
        If Not m_quiet Then WScript.Echo text
    End Sub
End Class

'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
' Class FaultReporter: a failed call reported as winrm.vbs reports it
'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
Class FaultReporter
    Private m_number
    Private m_description
    Private m_faultXml

    ' Err's fields are read by the caller at once: a later call may change them
    Public Sub Capture(number, description, faultXml)
        m_number = number
        m_description = description
        m_faultXml = faultXml
    End Sub

    Public Property Get Number()
        Number = m_number
    End Property

    Public Property Get HexNumber()
        HexNumber = "0x" & Right("00000000" & Hex(m_number), 8)
    End Property

    Private Function FaultMessage()
        Dim doc, node
        FaultMessage = ""
        If m_faultXml = "" Then Exit Function
        Set doc = CreateObject("MSXML2.DOMDocument")
        doc.async = False
        If Not doc.loadXML(m_faultXml) Then Exit Function
        doc.setProperty "SelectionLanguage", "XPath"
        doc.setProperty "SelectionNamespaces", "xmlns:f='" & NS_WSMANFAULT & "'"
        Set node = doc.selectSingleNode("/f:WSManFault/f:Message")
        If node Is Nothing Then Exit Function
        ' a provider fault nests the text the user wants one level down
        Dim inner
        Set inner = node.selectSingleNode("f:ProviderFault/f:WSManFault/f:Message")
        If Not inner Is Nothing Then
            FaultMessage = Trim(inner.text)
        Else
            FaultMessage = Trim(node.text)
        End If
    End Function

    Private Function FaultCode()
        Dim doc, root
        FaultCode = ""
        If m_faultXml = "" Then Exit Function
        Set doc = CreateObject("MSXML2.DOMDocument.6.0")
        If Not doc.loadXML(m_faultXml) Then Exit Function
        Set root = doc.documentElement
        If Not IsNull(root.getAttribute("Code")) Then FaultCode = root.getAttribute("Code")
    End Function

    Public Sub Report()
        Dim message, code
        message = FaultMessage()
        code = FaultCode()
        If message <> "" Then
            WScript.Echo "WSManFault"
            If code <> "" Then WScript.Echo "    Code = " & code
            WScript.Echo "    Message = " & message
            WScript.Echo ""
        End If
        WScript.Echo "Error number:  " & m_number & " " & HexNumber
        WScript.Echo m_description
        g_log.WriteEntry "fault", HexNumber
    End Sub
End Class

'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
' Class SessionFactory: connection options and flags from the switches
'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
Class SessionFactory
    Private m_lastTarget

    Public Property Get LastTarget()
        LastTarget = m_lastTarget
    End Property

    Private Function AuthFlag(name)
        Select Case LCase(name)
            Case "basic"
                AuthFlag = g_wsman.SessionFlagUseBasic
            Case "negotiate"
                AuthFlag = g_wsman.SessionFlagUseNegotiate
            Case "kerberos"
                AuthFlag = g_wsman.SessionFlagUseKerberos
            Case "digest"
                AuthFlag = g_wsman.SessionFlagUseDigest
            Case "default", ""
                AuthFlag = 0
            Case Else
                Err.Raise 5, TOOL_NAME, "Unknown authentication mechanism: " & name
        End Select
    End Function

    Public Function Create(parser)
        Dim flags, options, target, session
        flags = g_wsman.SessionFlagUTF8
        target = parser.SwitchValue(SW_REMOTE, "")
        m_lastTarget = target
        If target = "" Then m_lastTarget = "localhost"
        flags = flags Or AuthFlag(parser.SwitchValue(SW_AUTH, ""))
        If parser.IsSwitch(SW_UNENCRYPTED) Then flags = flags Or g_wsman.SessionFlagNoEncryption
        If parser.IsSwitch(SW_SKIPCACHECK) Then flags = flags Or g_wsman.SessionFlagSkipCACheck
        If parser.IsSwitch(SW_SKIPCNCHECK) Then flags = flags Or g_wsman.SessionFlagSkipCNCheck
        If parser.IsSwitch(SW_USERNAME) Then
            flags = flags Or g_wsman.SessionFlagCredUsernamePassword
            Set options = g_wsman.CreateConnectionOptions
            options.UserName = parser.SwitchValue(SW_USERNAME, "")
            options.Password = parser.SwitchValue(SW_PASSWORD, "")
            g_log.WriteEntry "session", "explicit credentials for " & options.UserName
            Set session = g_wsman.CreateSession(target, flags, options)
        Else
            g_log.WriteEntry "session", "the host's identity"
            Set session = g_wsman.CreateSession(target, flags)
        End If
        If parser.IsSwitch(SW_TIMEOUT) Then session.Timeout = CLng(parser.SwitchValue(SW_TIMEOUT, 60000))
        If parser.IsSwitch(SW_BATCH) Then session.BatchItems = CLng(parser.SwitchValue(SW_BATCH, 20))
        Set Create = session
    End Function
End Class

'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
' Class ConfigEditor: Set's merge of @{...} values into the resource's current XML
'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
Class ConfigEditor
    Private m_doc
    Private m_changed
    Private m_unknown

    Private Sub Class_Initialize()
        Set m_doc = CreateObject("MSXML2.DOMDocument.6.0")
        m_doc.async = False
        Set m_changed = CreateObject("Scripting.Dictionary")
        Set m_unknown = CreateObject("Scripting.Dictionary")
    End Sub

    Public Property Get ChangedCount()
        ChangedCount = m_changed.Count
    End Property

    Public Property Get UnknownKeys()
        UnknownKeys = m_unknown.Keys
    End Property

    Public Function Load(xml)
        Load = m_doc.loadXML(xml)
    End Function

    ' An element is a leaf when it holds no elements, only its value
    Private Function IsLeaf(node)
        Dim child
        IsLeaf = True
        For Each child In node.childNodes
            If child.nodeType = 1 Then IsLeaf = False
        Next
    End Function

    ' The first leaf under the root whose local name is the key (case-insensitive)
    Private Function FindLeaf(key)
        Dim node
        Set FindLeaf = Nothing
        For Each node In m_doc.documentElement.getElementsByTagName("*")
            If StrComp(node.baseName, key, vbTextCompare) = 0 Then
                If IsLeaf(node) Then
                    Set FindLeaf = node
                    Exit Function
                End If
            End If
        Next
    End Function

    Public Sub Apply(values)
        Dim key, leaf
        For Each key In values.Keys
            Set leaf = FindLeaf(key)
            If leaf Is Nothing Then
                m_unknown.Add key, values(key)
            Else
                If leaf.text <> values(key) Then m_changed.Add key, leaf.text
                leaf.text = values(key)
                If Not IsNull(leaf.getAttribute("xsi:nil")) Then leaf.removeAttribute "xsi:nil"
            End If
        Next
    End Sub

    ' Only the changed leaves and their ancestors: a Put of the whole config would also
    ' try to write read-only values.
    Public Function ChangedXml()
        Dim root, key, leaf, copy, parent, chain, i, existing, child
        Set root = m_doc.documentElement.cloneNode(False)
        For Each key In m_changed.Keys
            Set leaf = FindLeaf(key)
            chain = Array()
            Set parent = leaf.parentNode
            Do While Not (parent Is m_doc.documentElement)
                ReDim Preserve chain(UBound(chain) + 1)
                Set chain(UBound(chain)) = parent
                Set parent = parent.parentNode
            Loop
            Set copy = root
            For i = UBound(chain) To 0 Step -1
                Set existing = Nothing
                For Each child In copy.childNodes
                    If child.nodeName = chain(i).nodeName Then Set existing = child
                Next
                If existing Is Nothing Then Set existing = copy.appendChild(chain(i).cloneNode(False))
                Set copy = existing
            Next
            copy.appendChild leaf.cloneNode(True)
        Next
        ChangedXml = root.xml
    End Function

    Public Function WholeXml()
        WholeXml = m_doc.documentElement.xml
    End Function
End Class

'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
' Class WinRMTool: the operations
'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
Class WinRMTool
    Private m_parser
    Private m_formatter
    Private m_factory
    Private m_session
    Private m_fault

    Private Sub Class_Initialize()
        Set m_parser = New ArgumentParser
        Set m_formatter = New OutputFormatter
        Set m_factory = New SessionFactory
        Set m_fault = New FaultReporter
        Set m_session = Nothing
    End Sub

    Private Sub Class_Terminate()
        Set m_session = Nothing
    End Sub

    Public Function Run(args)
        Dim op, code
        m_parser.Parse args
        If m_parser.ErrorCount > 0 Then
            WScript.Echo "Error: " & m_parser.ErrorText()
            WScript.Echo "Type ""winrm-tool help"" for usage."
            Run = EXIT_USAGE
            Exit Function
        End If
        If m_parser.IsSwitch(SW_LOG) Then g_log.OpenLog m_parser.SwitchValue(SW_LOG, "")
        m_formatter.Format = m_parser.SwitchValue(SW_FORMAT, FORMAT_TEXT)
        m_formatter.Quiet = m_parser.IsSwitch(SW_QUIET)
        op = m_parser.Operation
        g_log.WriteEntry "start", op & " " & m_parser.Resource
        Select Case op
            Case OP_HELP
                ShowHelp m_parser.Resource
                code = EXIT_OK
            Case OP_HELPMSG
                code = DoHelpMsg()
            Case OP_LOCALINFO
                code = DoLocalInfo()
            Case OP_IDENTIFY
                code = DoIdentify()
            Case OP_GET
                code = DoGet()
            Case OP_SET
                code = DoSet()
            Case OP_ENUM
                code = DoEnumerate()
            Case OP_INVOKE
                code = DoInvoke()
        End Select
        g_log.WriteEntry "end", op & " exit " & code
        Run = code
    End Function

    ' Session creation fails for bad switches (e.g. an unknown authentication): reported here
    Private Function OpenSession()
        On Error Resume Next
        Set m_session = m_factory.Create(m_parser)
        If Err.Number <> 0 Then
            Dim number, description
            number = Err.Number
            description = Err.Description
            Err.Clear
            m_fault.Capture number, description, g_wsman.Error
            m_fault.Report
            OpenSession = False
        Else
            OpenSession = True
        End If
    End Function

    Private Function Failed()
        Dim number, description, faultXml
        number = Err.Number
        Failed = (number <> 0)
        If number <> 0 Then
            description = Err.Description
            faultXml = ""
            If Not m_session Is Nothing Then faultXml = m_session.Error
            m_fault.Capture number, description, faultXml
        End If
    End Function

    Private Function ReadInputFile(path)
        Dim stream, text
        If Not g_fso.FileExists(path) Then
            Err.Raise 53, TOOL_NAME, "File not found: " & path
        End If
        Set stream = g_fso.OpenTextFile(path, ForReading, False)
        text = stream.ReadAll
        stream.Close
        g_log.WriteEntry "input", g_fso.GetFileName(path) & " (" & Len(text) & " characters)"
        ReadInputFile = text
    End Function

    '''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
    ' identify
    '''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
    Private Function DoIdentify()
        Dim reply, doc, version
        If Not OpenSession() Then
            DoIdentify = EXIT_FAULT
            Exit Function
        End If
        On Error Resume Next
        reply = m_session.Identify(0)
        If Failed() Then
            On Error GoTo 0
            m_fault.Report
            DoIdentify = EXIT_FAULT
            Exit Function
        End If
        On Error GoTo 0
        m_formatter.Emit reply
        If m_formatter.Format = FORMAT_TEXT Then
            Set doc = CreateObject("MSXML2.DOMDocument.6.0")
            doc.loadXML reply
            doc.setProperty "SelectionNamespaces", "xmlns:id='" & NS_IDENTITY & "'"
            version = doc.selectSingleNode("//id:ProductVersion").text
            m_formatter.Message "Stack version " & StackVersion(version) & " on " & m_factory.LastTarget
        End If
        DoIdentify = EXIT_OK
    End Function

    Private Function StackVersion(productVersion)
        Dim re, matches
        Set re = New RegExp
        re.Pattern = "Stack:\s*([\d.]+)"
        Set matches = re.Execute(productVersion)
        If matches.Count = 0 Then
            StackVersion = "unknown"
        Else
            StackVersion = matches(0).SubMatches(0)
        End If
    End Function

    '''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
    ' get
    '''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
    Private Function DoGet()
        Dim builder, locator, reply
        Set builder = New ResourceBuilder
        builder.Parse m_parser.Resource
        If Not OpenSession() Then
            DoGet = EXIT_FAULT
            Exit Function
        End If
        On Error Resume Next
        Set locator = builder.ToLocator(m_parser)
        If Err.Number = 0 Then reply = m_session.Get(locator)
        If Failed() Then
            On Error GoTo 0
            m_fault.Report
            DoGet = EXIT_FAULT
            Exit Function
        End If
        On Error GoTo 0
        g_log.WriteEntry "get", builder.Describe()
        m_formatter.Emit reply
        DoGet = EXIT_OK
    End Function

    '''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
    ' set: read, merge @{...} (or send -file as it is), put, show the result
    '''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
    Private Function DoSet()
        Dim builder, locator, current, editor, payload, reply, key
        Set builder = New ResourceBuilder
        builder.Parse m_parser.Resource
        If Not OpenSession() Then
            DoSet = EXIT_FAULT
            Exit Function
        End If
        On Error Resume Next
        Set locator = builder.ToLocator(m_parser)
        If m_parser.IsSwitch(SW_FILE) Then
            payload = ReadInputFile(m_parser.SwitchValue(SW_FILE, ""))
        Else
            current = m_session.Get(locator)
        End If
        If Failed() Then
            On Error GoTo 0
            m_fault.Report
            DoSet = EXIT_FAULT
            Exit Function
        End If
        On Error GoTo 0

        If Not m_parser.IsSwitch(SW_FILE) Then
            Set editor = New ConfigEditor
            If Not editor.Load(current) Then
                WScript.Echo "Error: the resource's current value is not XML."
                DoSet = EXIT_FAULT
                Exit Function
            End If
            editor.Apply m_parser.ValueSet
            For Each key In editor.UnknownKeys
                WScript.Echo "Error: " & key & " is not a property of " & builder.Describe()
                DoSet = EXIT_USAGE
                Exit Function
            Next
            If editor.ChangedCount = 0 Then
                m_formatter.Message "Nothing to change."
                m_formatter.Emit current
                DoSet = EXIT_OK
                Exit Function
            End If
            payload = editor.ChangedXml()
        End If

        On Error Resume Next
        reply = m_session.Put(locator, payload)
        If Failed() Then
            On Error GoTo 0
            m_fault.Report
            DoSet = EXIT_FAULT
            Exit Function
        End If
        On Error GoTo 0
        g_log.WriteEntry "set", builder.Describe()
        m_formatter.Emit reply
        DoSet = EXIT_OK
    End Function

    '''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
    ' enumerate
    '''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
    Private Function EnumerationFlags()
        Dim flags
        flags = 0
        Select Case LCase(m_parser.SwitchValue(SW_RETURNTYPE, "object"))
            Case "object"
                flags = g_wsman.EnumerationFlagReturnObject
            Case "epr"
                flags = g_wsman.EnumerationFlagReturnEPR
            Case "objectandepr"
                flags = g_wsman.EnumerationFlagReturnObjectAndEPR
            Case Else
                Err.Raise 5, TOOL_NAME, "Unknown return type: " & m_parser.SwitchValue(SW_RETURNTYPE, "")
        End Select
        If m_parser.IsSwitch(SW_SHALLOW) Then flags = flags Or g_wsman.EnumerationFlagHierarchyShallow
        If m_parser.IsSwitch(SW_BASEPROPSONLY) Then flags = flags Or g_wsman.EnumerationFlagHierarchyDeepBasePropsOnly
        EnumerationFlags = flags
    End Function

    Private Function DialectUri()
        Dim dialect
        dialect = m_parser.SwitchValue(SW_DIALECT, "")
        Select Case LCase(dialect)
            Case "wql"
                DialectUri = DIALECT_WQL
            Case "selector"
                DialectUri = DIALECT_SELECTOR
            Case "association"
                DialectUri = DIALECT_ASSOCIATION
            Case ""
                If m_parser.IsSwitch(SW_FILTER) Then
                    DialectUri = DIALECT_WQL
                Else
                    DialectUri = ""
                End If
            Case Else
                DialectUri = dialect
        End Select
    End Function

    Private Function DoEnumerate()
        Dim builder, locator, enumerator, item, count, filter, dialect, flags, summary
        Set builder = New ResourceBuilder
        builder.Parse m_parser.Resource
        If Not OpenSession() Then
            DoEnumerate = EXIT_FAULT
            Exit Function
        End If
        filter = m_parser.SwitchValue(SW_FILTER, "")
        dialect = DialectUri()
        Set summary = CreateObject("Scripting.Dictionary")
        summary.CompareMode = vbTextCompare

        On Error Resume Next
        flags = EnumerationFlags()
        Set locator = builder.ToLocator(m_parser)
        If Err.Number = 0 Then Set enumerator = m_session.Enumerate(locator, filter, dialect, flags)
        If Failed() Then
            On Error GoTo 0
            m_fault.Report
            DoEnumerate = EXIT_FAULT
            Exit Function
        End If
        count = 0
        Do While Not enumerator.AtEndOfStream
            item = enumerator.ReadItem
            If Failed() Then Exit Do
            count = count + 1
            On Error GoTo 0
            m_formatter.Emit item
            CountState item, summary
            On Error Resume Next
        Loop
        If Failed() Then
            On Error GoTo 0
            m_fault.Report
            DoEnumerate = EXIT_FAULT
            Exit Function
        End If
        On Error GoTo 0
        g_log.WriteEntry "enumerate", builder.Describe() & " " & count & " item(s)"
        m_formatter.Message count & " item(s)" & SummaryText(summary)
        DoEnumerate = EXIT_OK
    End Function

    ' Services, processes and the like carry a State: the summary counts them
    Private Sub CountState(item, summary)
        Dim re, matches, state
        Set re = New RegExp
        re.Pattern = "<(\w+:)?State>([^<]*)</(\w+:)?State>"
        Set matches = re.Execute(item)
        If matches.Count > 0 Then
            state = matches(0).SubMatches(1)
            summary(state) = summary(state) + 1
        End If
    End Sub

    Private Function SummaryText(summary)
        Dim key, parts, i, keys
        If summary.Count = 0 Then
            SummaryText = ""
            Exit Function
        End If
        keys = summary.Keys
        SortStrings keys
        ReDim parts(UBound(keys))
        For i = 0 To UBound(keys)
            parts(i) = summary(keys(i)) & " " & keys(i)
        Next
        SummaryText = ": " & Join(parts, ", ")
    End Function

    '''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
    ' invoke: the input document built from @{...} (or -file), the output shown
    '''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
    Private Function InputDocument(builder)
        Dim doc, root, key, element, className, prefixedName
        className = builder.Uri
        Set doc = CreateObject("MSXML2.DOMDocument.6.0")
        prefixedName = "p:" & m_parser.Action & "_INPUT"
        Set root = doc.createNode(1, prefixedName, className)
        doc.appendChild root
        If m_parser.HasValueSet Then
            For Each key In m_parser.ValueSet.Keys
                Set element = doc.createNode(1, "p:" & key, className)
                element.text = m_parser.ValueSet(key)
                root.appendChild element
            Next
        End If
        InputDocument = doc.xml
    End Function

    Private Function DoInvoke()
        Dim builder, locator, payload, reply, doc, returnValue
        Set builder = New ResourceBuilder
        builder.Parse m_parser.Resource
        If Not OpenSession() Then
            DoInvoke = EXIT_FAULT
            Exit Function
        End If
        On Error Resume Next
        If m_parser.IsSwitch(SW_FILE) Then
            payload = ReadInputFile(m_parser.SwitchValue(SW_FILE, ""))
        Else
            payload = InputDocument(builder)
        End If
        Set locator = builder.ToLocator(m_parser)
        If Err.Number = 0 Then reply = m_session.Invoke(m_parser.Action, locator, payload)
        If Failed() Then
            On Error GoTo 0
            m_fault.Report
            DoInvoke = EXIT_FAULT
            Exit Function
        End If
        On Error GoTo 0
        g_log.WriteEntry "invoke", m_parser.Action & " " & builder.Describe()
        m_formatter.Emit reply
        Set doc = CreateObject("MSXML2.DOMDocument.6.0")
        If doc.loadXML(reply) Then
            doc.setProperty "SelectionNamespaces", "xmlns:p='" & builder.Uri & "'"
            Set returnValue = doc.selectSingleNode("/*/p:ReturnValue")
            If Not returnValue Is Nothing Then
                If CLng(returnValue.text) = 0 Then
                    m_formatter.Message m_parser.Action & " succeeded."
                Else
                    m_formatter.Message m_parser.Action & " returned " & returnValue.text & "."
                End If
            End If
        End If
        DoInvoke = EXIT_OK
    End Function

    '''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
    ' helpmsg: the text of an error number, decimal or 0x hex
    '''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
    Private Function DoHelpMsg()
        Dim text, number, message
        text = m_parser.Resource
        If LCase(Left(text, 2)) = "0x" Then
            number = CLng("&H" & Mid(text, 3))
        ElseIf IsNumeric(text) Then
            number = CDbl(text)
            If number > 2147483647 Then number = number - 4294967296
            number = CLng(number)
        Else
            WScript.Echo "Error: not a number: " & text
            DoHelpMsg = EXIT_USAGE
            Exit Function
        End If
        On Error Resume Next
        message = g_wsman.GetErrorMessage(number)
        If Err.Number <> 0 Then
            m_fault.Capture Err.Number, Err.Description, ""
            On Error GoTo 0
            m_fault.Report
            DoHelpMsg = EXIT_FAULT
            Exit Function
        End If
        On Error GoTo 0
        WScript.Echo Trim(Replace(message, vbCrLf, " "))
        DoHelpMsg = EXIT_OK
    End Function

    '''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
    ' localinfo: the local machine as the registry describes it, and how the tool was started
    '''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
    Private Function RegValue(path, fallback)
        On Error Resume Next
        RegValue = g_shell.RegRead(path)
        If Err.Number <> 0 Then
            RegValue = fallback
            Err.Clear
        End If
    End Function

    Private Function StartModeName(start)
        Select Case start
            Case 0
                StartModeName = "Boot"
            Case 1
                StartModeName = "System"
            Case 2
                StartModeName = "Auto"
            Case 3
                StartModeName = "Manual"
            Case 4
                StartModeName = "Disabled"
            Case Else
                StartModeName = "Unknown (" & start & ")"
        End Select
    End Function

    Private Function DoLocalInfo()
        Dim product, version, build, start, depends, commandLine, tempFolder
        product = RegValue(REG_CURRENT_VERSION & "ProductName", "(unknown)")
        version = RegValue(REG_CURRENT_VERSION & "CurrentVersion", "(unknown)")
        build = RegValue(REG_CURRENT_VERSION & "CurrentBuildNumber", "(unknown)")
        start = RegValue(REG_WINRM_SERVICE & "Start", -1)
        depends = RegValue(REG_WINRM_SERVICE & "DependOnService", Array())
        WScript.Echo "LocalMachine"
        WScript.Echo "    ProductName = " & product
        WScript.Echo "    Version = " & version & " (build " & build & ")"
        WScript.Echo "    WinRM StartMode = " & StartModeName(start)
        If IsArray(depends) Then
            WScript.Echo "    WinRM DependsOn = " & Join(depends, ", ")
        End If
        WScript.Echo "    MissingValue = " & RegValue(REG_CURRENT_VERSION & "NoSuchValue", "(not set)")
        commandLine = g_wsman.CommandLine
        WScript.Echo "    StartedByThisScript = " & CBool(InStr(1, commandLine, WScript.ScriptName, vbTextCompare) > 0)
        Set tempFolder = g_fso.GetSpecialFolder(2)
        WScript.Echo "    TempFolderExists = " & g_fso.FolderExists(tempFolder.Path)
        WScript.Echo "    Expanded = " & g_shell.ExpandEnvironmentStrings("%WINRM_TOOL_MARK%")
        DoLocalInfo = EXIT_OK
    End Function

    '''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
    ' help
    '''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
    Private Sub ShowHelp(topic)
        Select Case LCase(topic)
            Case "aliases"
                HelpAliases
            Case "switches"
                HelpSwitches
            Case "uris"
                HelpUris
            Case Else
                HelpGeneral
        End Select
    End Sub

    Private Sub HelpGeneral()
        WScript.Echo TOOL_NAME & " " & TOOL_VERSION & " - Windows Remote Management Command Line Tool"
        WScript.Echo ""
        WScript.Echo "Usage:"
        WScript.Echo "  winrm-tool OPERATION RESOURCE_URI [-SWITCH:VALUE [-SWITCH:VALUE] ...]"
        WScript.Echo "             [@{KEY=""VALUE""[;KEY=""VALUE""]}]"
        WScript.Echo ""
        WScript.Echo "Operations:"
        WScript.Echo "  get        Retrieve an instance of a management resource."
        WScript.Echo "  set        Modify settings of a management resource."
        WScript.Echo "  enumerate  List all instances of a management resource (alias: e)."
        WScript.Echo "  invoke     Execute a method on a management resource (alias: i)."
        WScript.Echo "  identify   Determine whether a WS-Management service is running (alias: id)."
        WScript.Echo "  helpmsg    Show the text of an error number."
        WScript.Echo "  localinfo  Show what the local registry says about this machine."
        WScript.Echo ""
        WScript.Echo "More help:"
        WScript.Echo "  winrm-tool help aliases"
        WScript.Echo "  winrm-tool help switches"
        WScript.Echo "  winrm-tool help uris"
    End Sub

    Private Sub HelpAliases()
        Dim key, keys
        WScript.Echo "Aliases stand for the start of a resource URI:"
        keys = g_aliases.Keys
        SortStrings keys
        For Each key In keys
            WScript.Echo "  " & Left(key & Space(10), 10) & " = " & g_aliases(key)
        Next
    End Sub

    Private Sub HelpSwitches()
        WScript.Echo "Switches:"
        WScript.Echo "  -remote:URL (-r)        Connect to the WinRM service at URL."
        WScript.Echo "  -username:USER (-u)     Connect as USER; without it, as the host's identity."
        WScript.Echo "  -password:PASS (-p)     The password for -username."
        WScript.Echo "  -authentication:KIND    Basic, Negotiate, Kerberos, Digest or Default (-a)."
        WScript.Echo "  -unencrypted            Send messages without encryption (HTTP with Basic)."
        WScript.Echo "  -format:FORMAT          text (the default), xml or pretty."
        WScript.Echo "  -file:PATH              Take the input document from PATH."
        WScript.Echo "  -filter:EXPR (-f)       Filter an enumeration (WQL unless -dialect says)."
        WScript.Echo "  -dialect:DIALECT (-d)   wql, selector, association or a dialect URI."
        WScript.Echo "  -returnType:TYPE        object, epr or objectandepr."
        WScript.Echo "  -shallow                Only instances of the class itself."
        WScript.Echo "  -basePropertiesOnly     Only the properties of the base class."
        WScript.Echo "  -fragment:PATH          Get or set a fragment of the resource."
        WScript.Echo "  -options:@{K=""V""} (-o)  Options for the resource."
        WScript.Echo "  -timeout:MS             The operation timeout in milliseconds."
        WScript.Echo "  -batch:N                Items per enumeration batch."
        WScript.Echo "  -log:PATH               Append what the tool does to PATH."
        WScript.Echo "  -quiet (-q)             Print results only, no summaries."
    End Sub

    Private Sub HelpUris()
        WScript.Echo "Resource URIs:"
        WScript.Echo "  winrm/config                          the WinRM configuration"
        WScript.Echo "  winrm/config/service                  the service settings"
        WScript.Echo "  winrm/config/client                   the client settings"
        WScript.Echo "  wmicimv2/Win32_Service?Name=WinRM     a WMI instance by its key"
        WScript.Echo "  wmicimv2/*                            any class, with -filter"
    End Sub
End Class

'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
' Helpers
'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''

' Sorts an array of strings in place (insertion sort: the arrays here are short)
Sub SortStrings(values)
    Dim i, j, current
    For i = 1 To UBound(values)
        current = values(i)
        j = i - 1
        Do While j >= 0
            If StrComp(values(j), current, vbTextCompare) <= 0 Then Exit Do
            values(j + 1) = values(j)
            j = j - 1
        Loop
        values(j + 1) = current
    Next
End Sub

Sub InitAliases()
    Set g_aliases = CreateObject("Scripting.Dictionary")
    g_aliases.CompareMode = vbTextCompare
    g_aliases.Add "wmi", "http://schemas.microsoft.com/wbem/wsman/1/wmi/"
    g_aliases.Add "wmicimv2", NS_CIMV2
    g_aliases.Add "cimv2", "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/"
    g_aliases.Add "winrm", "http://schemas.microsoft.com/wbem/wsman/1/"
    g_aliases.Add "wsman", "http://schemas.microsoft.com/wbem/wsman/1/"
    g_aliases.Add "shell", "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/"
End Sub

'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''
' Main
'''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''

Dim tool

Set g_wsman = CreateObject("WSMan.Automation")
Set g_fso = CreateObject("Scripting.FileSystemObject")
Set g_shell = WScript.CreateObject("WScript.Shell")
Set g_log = New Logger
InitAliases

Set tool = New WinRMTool
g_exitCode = tool.Run(WScript.Arguments)
g_log.CloseLog
Set tool = Nothing

WScript.Quit g_exitCode
