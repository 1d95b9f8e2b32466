// syntax-error.js - a script that does not compile.
var complete = true;
var broken = ;
