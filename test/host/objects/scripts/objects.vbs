' The host's objects from VBScript, in the idioms legacy scripts use them.
Option Explicit
Dim d, k, re, m, fso, folder, path, ts, shell, doc, node, exec, nodes

Set d = CreateObject("Scripting.Dictionary")
d.Add "http", 5985
d("https") = 5986
d.Item("custom") = "x"
For Each k In d
    WScript.Echo k & " = " & d(k)
Next
WScript.Echo "count " & d.Count & ", keys " & Join(d.Keys, ",") & ", TypeName " & TypeName(d)
On Error Resume Next
d.Add "http", 1
WScript.Echo "duplicate: " & Err.Number & " " & Err.Description
Err.Clear
d.Remove "nope"
WScript.Echo "remove missing: " & Err.Number & " " & Err.Description
On Error GoTo 0

Set re = New RegExp
re.Pattern = "(\w+)://([^:/]+):(\d+)"
re.Global = True
For Each m In re.Execute("http://a:5985/wsman https://b:5986/wsman")
    WScript.Echo m.Value & " at " & m.FirstIndex & ": " & m.SubMatches(1) & " port " & m.SubMatches(2)
Next
WScript.Echo re.Replace("http://a:5985", "$2 via $1")

Set fso = CreateObject("Scripting.FileSystemObject")
Set folder = fso.GetFolder(fso.GetSpecialFolder(2))
path = fso.BuildPath(folder.Path, fso.GetTempName)
Set ts = fso.CreateTextFile(path, True)
ts.WriteLine "line one"
ts.Write "line two"
ts.Close
Set ts = fso.OpenTextFile(path, 1)
Do Until ts.AtEndOfStream
    WScript.Echo ts.Line & ": " & ts.ReadLine
Loop
ts.Close
fso.DeleteFile path
On Error Resume Next
fso.OpenTextFile path
WScript.Echo "open deleted: " & Err.Number & " " & Err.Description
On Error GoTo 0

Set shell = CreateObject("WScript.Shell")
WScript.Echo shell.RegRead("HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProductName")
Set exec = shell.Exec("echo from a child; exit 3")
WScript.Echo exec.StdOut.ReadLine
Do While exec.Status = 0
    WScript.Sleep 10
Loop
WScript.Echo "exit " & exec.ExitCode & ", status " & exec.Status
On Error Resume Next
shell.RegRead "HKLM\SOFTWARE\NoSuchKey\Value"
WScript.Echo "missing key: " & Hex(Err.Number) & " " & Err.Description
On Error GoTo 0

Set doc = CreateObject("MSXML2.DOMDocument")
doc.async = False
doc.loadXML "<cfg:Config xmlns:cfg='http://schemas.microsoft.com/wbem/wsman/1/config'><cfg:MaxEnvelopeSizekb>500</cfg:MaxEnvelopeSizekb><cfg:MaxBatchItems>32000</cfg:MaxBatchItems></cfg:Config>"
doc.setProperty "SelectionLanguage", "XPath"
doc.setProperty "SelectionNamespaces", "xmlns:c='http://schemas.microsoft.com/wbem/wsman/1/config'"
Set nodes = doc.selectNodes("/c:Config/*")
For Each node In nodes
    WScript.Echo node.baseName & " = " & node.text
Next
WScript.Echo "length " & nodes.length & ", missing is Nothing: " & (doc.selectSingleNode("//c:None") Is Nothing)
If Not doc.loadXML("<a><b></a>") Then WScript.Echo "parse error " & Hex(doc.parseError.errorCode) & " at line " & doc.parseError.line & ": " & Trim(Replace(doc.parseError.reason, vbCrLf, ""))
WScript.Echo "named " & WScript.Arguments.Named("mode") & ", first " & WScript.Arguments(0) & ", count " & WScript.Arguments.Count
