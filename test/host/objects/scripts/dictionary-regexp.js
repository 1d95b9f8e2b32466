// JScript reaching the host's objects as WSH scripts do: ActiveXObject, Enumerator, VBArray, e.number.
var d = new ActiveXObject("Scripting.Dictionary");
d.Add("http", 5985);
d.Add("https", 5986);
d.Add("custom", "x");
WScript.Echo("count", d.Count, "exists", d.Exists("https"), "item", d.Item("http"));
for (var e = new Enumerator(d); !e.atEnd(); e.moveNext()) WScript.Echo("key", e.item(), d.Item(e.item()));
WScript.Echo("keys", new VBArray(d.Keys()).toArray().join(","));
try {
  d.Add("http", 1);
} catch (err) {
  WScript.Echo("duplicate", err.number & 0xffff, err.description, err instanceof Error);
}
var re = new ActiveXObject("VBScript.RegExp");
re.Pattern = "(\\w+)://([^:/]+)";
re.Global = true;
var matches = re.Execute("http://a/wsman https://b/wsman");
for (var m = new Enumerator(matches); !m.atEnd(); m.moveNext()) WScript.Echo("match", m.item().Value, m.item().FirstIndex, m.item().SubMatches.Item(1));
WScript.Echo("replaced", re.Replace("http://a/x", "$2:$1"));
var cdo = WScript.CreateObject("scripting.dictionary");
WScript.Echo("created", cdo.Count);
