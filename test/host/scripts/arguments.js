// arguments.js - WScript.Arguments: all, named and unnamed, and the Enumerator over them.
// Usage: cscript //nologo arguments.js first /mode:fast second /verbose

var all = WScript.Arguments;
WScript.Echo("Count: " + all.Count() + ", length: " + all.length);
for (var i = 0; i < all.length; i++) {
    WScript.Echo("  Arguments(" + i + ") = " + all(i));
}

var named = all.Named;
WScript.Echo("Named.Count: " + named.Count());
WScript.Echo("  mode = " + named.Item("mode") + ", MODE = " + named("MODE"));
WScript.Echo("  Exists(verbose) = " + named.Exists("verbose") + ", Exists(quiet) = " + named.Exists("quiet"));
WScript.Echo("  verbose has no value: " + (named.Item("verbose") === undefined));

var unnamed = all.Unnamed;
WScript.Echo("Unnamed.Count: " + unnamed.Count() + ", first: " + unnamed.Item(0) + ", last: " + unnamed(unnamed.length - 1));

var names = [];
for (var e = new Enumerator(named); !e.atEnd(); e.moveNext()) names.push(e.item());
WScript.Echo("Enumerator over Named: " + names.join(", "));

var values = [];
for (var e2 = new Enumerator(all); !e2.atEnd(); e2.moveNext()) values.push(e2.item());
WScript.Echo("Enumerator over Arguments: " + values.join(" "));

try {
    all.Item(99);
} catch (err) {
    WScript.Echo("Item(99): " + (err.number & 0xFFFF) + " " + err.description);
}
WScript.Echo(WScript.Name + " " + WScript.Version + ", script " + WScript.ScriptName);
