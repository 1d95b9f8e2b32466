// FileSystemObject, WScript.Shell and MSXML from JScript, as admin scripts combine them.
var fso = new ActiveXObject("Scripting.FileSystemObject");
var shell = WScript.CreateObject("WScript.Shell");
var folder = fso.BuildPath(fso.GetSpecialFolder(2).Path, fso.GetTempName());
fso.CreateFolder(folder);
var path = fso.BuildPath(folder, "config.xml");
var out = fso.CreateTextFile(path, true);
out.WriteLine('<cfg:Config xmlns:cfg="http://schemas.microsoft.com/wbem/wsman/1/config"><cfg:MaxEnvelopeSizekb>500</cfg:MaxEnvelopeSizekb><cfg:MaxBatchItems>32000</cfg:MaxBatchItems></cfg:Config>');
out.Close();
WScript.Echo("exists", fso.FileExists(path), fso.GetExtensionName(path), fso.GetFile(path).Size > 0);
var doc = new ActiveXObject("MSXML2.DOMDocument.6.0");
doc.async = false;
WScript.Echo("load", doc.load(path));
doc.setProperty("SelectionNamespaces", "xmlns:c='http://schemas.microsoft.com/wbem/wsman/1/config'");
var nodes = doc.selectNodes("/c:Config/*");
for (var e = new Enumerator(nodes); !e.atEnd(); e.moveNext()) WScript.Echo(e.item().baseName, "=", e.item().text);
WScript.Echo("version", shell.RegRead("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\CurrentVersion"));
var exec = shell.Exec("echo from-child");
WScript.Echo("exec", exec.StdOut.ReadLine());
try {
  fso.OpenTextFile(fso.BuildPath(folder, "missing.txt"));
} catch (err) {
  WScript.Echo("missing", err.number & 0xffff, err.description);
}
fso.DeleteFolder(folder);
WScript.Echo("cleaned", fso.FolderExists(folder));
