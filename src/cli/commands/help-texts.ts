/**
 * The help topics of `winrm -?` / `winrm help TOPIC`, line for line as winrm.vbs prints them
 * (Windows 10.0.14393, English resources; docs/decisions.md "CLI"). Each topic is printed after
 * the title line and a blank line; `help.ts` writes `wsman` where the text names the command.
 */

const SEE_ALSO = 'See also:';
const see = (topic: string) => `  winrm ${topic}`;

export const HELP_TITLE = 'Windows Remote Management Command Line Tool';

const HELP = `Windows Remote Management (WinRM) is the Microsoft implementation of 
the WS-Management protocol which provides a secure way to communicate 
with local and remote computers using web services.  

Usage:
  winrm OPERATION RESOURCE_URI [-SWITCH:VALUE [-SWITCH:VALUE] ...]
        [@{KEY=VALUE[;KEY=VALUE]...}]

For help on a specific operation:
  winrm g[et] -?        Retrieving management information.
  winrm s[et] -?        Modifying management information.
  winrm c[reate] -?     Creating new instances of management resources.
  winrm d[elete] -?     Remove an instance of a management resource.
  winrm e[numerate] -?  List all instances of a management resource.
  winrm i[nvoke] -?     Executes a method on a management resource.
  winrm id[entify] -?   Determines if a WS-Management implementation is
                        running on the remote machine.
  winrm quickconfig -?  Configures this machine to accept WS-Management
                        requests from other machines.
  winrm configSDDL -?   Modify an existing security descriptor for a URI.
  winrm helpmsg -?      Displays error message for the error code.

For help on related topics:
  winrm help uris       How to construct resource URIs.
  winrm help aliases    Abbreviations for URIs.
  winrm help config     Configuring WinRM client and service settings.
  winrm help certmapping Configuring client certificate access.
  winrm help remoting   How to access remote machines.
  winrm help auth       Providing credentials for remote access.
  winrm help input      Providing input to create, set, and invoke.
  winrm help switches   Other switches such as formatting, options, etc.
  winrm help proxy      Providing proxy information.`;

const GET = `winrm get RESOURCE_URI [-SWITCH:VALUE [-SWITCH:VALUE] ...]

Retrieves instances of RESOURCE_URI using specified 
options and key-value pairs.

Example: Retrieve current configuration in XML format:
  winrm get winrm/config -format:pretty

Example: Retrieve spooler instance of Win32_Service class:
  winrm get wmicimv2/Win32_Service?Name=spooler

Example: Retrieve a certmapping entry on this machine:
  winrm get winrm/config/service/certmapping?Issuer=1212131238d84023982e381f20391a2935301923+Subject=*.example.com+URI=wmicimv2/*


${SEE_ALSO}
${see('help uris')}
${see('help aliases')}
${see('help switches')}`;

const SET = `winrm set RESOURCE_URI [-SWITCH:VALUE [-SWITCH:VALUE] ...]
          [@{KEY="VALUE"[;KEY="VALUE"]}]
          [-file:VALUE]

Modifies settings in RESOURCE_URI using specified switches
and input of changed values via key-value pairs or updated 
object via an input file.

Example: Modify a configuration property of WinRM:
  winrm set winrm/config @{MaxEnvelopeSizekb="100"}

Example: Disable a listener on this machine:
  winrm set winrm/config/Listener?Address=*+Transport=HTTPS @{Enabled="false"}

Example: Disable a certmapping entry on this machine:
  Winrm set winrm/config/service/certmapping?Issuer=1212131238d84023982e381f20391a2935301923+Subject=*.example.com+URI=wmicimv2/* @{Enabled="false"}


${SEE_ALSO}
${see('help uris')}
${see('help aliases')}
${see('help input')}
${see('help switches')}`;

const CREATE = `winrm create RESOURCE_URI [-SWITCH:VALUE [-SWITCH:VALUE] ...]
             [@{KEY="VALUE"[;KEY="VALUE"]}]
             [-file:VALUE]

Spawns an instance of RESOURCE_URI using specified 
key-value pairs or input file.

Example: Create instance of HTTP Listener on IPv6 address:
  winrm create winrm/config/Listener?Address=IP:3ffe:8311:ffff:f2c1::5e61+Transport=HTTP

Example: Create instance of HTTPS Listener on all IPs:
  winrm create winrm/config/Listener?Address=*+Transport=HTTPS @{Hostname="HOST";CertificateThumbprint="XXXXXXXXXX"}
Note: XXXXXXXXXX represents a 40-digit hex string; see help config.

Example: Create a windows shell command instance from xml:
  winrm create shell/cmd -file:shell.xml -remote:srv.corp.com

Example: Create a CertMapping entry:
  winrm create winrm/config/service/certmapping?Issuer=1212131238d84023982e381f20391a2935301923+Subject=*.example.com+URI=wmicimv2/* @{UserName="USERNAME";Password="PASSWORD"} -remote:localhost


${SEE_ALSO}
${see('help uris')}
${see('help aliases')}
${see('help input')}
${see('help switches')}`;

const DELETE = `winrm delete RESOURCE_URI [-SWITCH:VALUE [-SWITCH:VALUE] ...]

Removes an instance of RESOURCE_URI.

Example: delete the HTTP listener on this machine for given IP address:
  winrm delete winrm/config/Listener?Address=IP:192.168.2.1+Transport=HTTP

Example: delete a certmapping entry:
  winrm delete winrm/config/service/certmapping?Issuer=1212131238d84023982e381f20391a2935301923+Subject=*.example.com+URI=wmicimv2/*


${SEE_ALSO}
${see('help uris')}
${see('help aliases')}
${see('help switches')}`;

const ENUMERATE = `winrm enumerate RESOURCE_URI [-ReturnType:Value] [-Shallow]
         [-BasePropertiesOnly] [-SWITCH:VALUE [-SWITCH:VALUE] ...]

Lists instances of RESOURCE_URI.
Can limit the instances returned by using a filter and dialect if the 
resource supports these.

ReturnType
----------
returnType is an optional switch that determines the type of data returned.
Possible options are 'Object', 'EPR'  and 'ObjectAndEPR'. Default is Object
If Object is specified or if switch is omitted, then only the objects are
returned.
If EPR is specified, then only the EPRs (End point reference) of the
objects are returned. EPRs contain information about the resource URI and
selectors for the instance.
If ObjectAndEPR is specified, then both the object and the associated EPRs
are returned.

Shallow
-------
Enumerate only instances of the base class specified in the resource URI.
If this flag is not specified, instances of the base class specified in 
the resource URI and all its derived classes are returned.

BasePropertiesOnly
------------------
Includes only those properties that are part of the base class specified
in the resource URI. When -Shallow is specified, this flag has no effect. 

Example: List all WinRM listeners on this machine:
  winrm enumerate winrm/config/Listener

Example: List all instances of Win32_Service class:
  winrm enumerate wmicimv2/Win32_Service

Example: List all shell instances on a machine:
  winrm enum shell/cmd -remote:srv.corp.com

Example: List resources accessible to the current user:
  winrm enum winrm/config/resource

Example: List all certmapping settings:
  winrm enum winrm/config/service/certmapping


${SEE_ALSO}
${see('help uris')}
${see('help aliases')}
${see('help filters')}
${see('help switches')}`;

const INVOKE = `winrm invoke ACTION RESOURCE_URI [-SWITCH:VALUE [-SWITCH:VALUE] ...]
             [@{KEY="VALUE"[;KEY="VALUE"]}]
             [-file:VALUE]

Executes method specified by ACTION on target object specified by RESOURCE_URI
with parameters specified by key-value pairs.

Example: Call StartService method on Spooler service:
  winrm invoke StartService wmicimv2/Win32_Service?Name=spooler

Example: Call StopService method on Spooler service using XML file:
  winrm invoke StopService wmicimv2/Win32_Service?Name=spooler -file:input.xml
Where input.xml:
<p:StopService_INPUT xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service"/>

Example: Call Create method of Win32_Process class with specified parameters:
  winrm invoke Create wmicimv2/Win32_Process @{CommandLine="notepad.exe";CurrentDirectory="C:\\"}

Example: Restore the default winrm configuration:
Note that this will not restore the default winrm plugin configuration:
  winrm invoke restore winrm/config @{}

Example: Restore the default winrm plugin configuration:
Note that all external plugins will be unregistered during this operation:
  winrm invoke restore winrm/config/plugin @{}

${SEE_ALSO}
${see('help uris')}
${see('help aliases')}
${see('help input')}
${see('help switches')}`;

const IDENTIFY = `winrm identify  [-SWITCH:VALUE [-SWITCH:VALUE] ...]

Issues an operation against a remote machine to see if the WS-Management 
service is running. This operation must be run with the '-remote' switch.
To run this operation unauthenticated against the remote machine use the
-auth:none

Example: identify if WS-Management is running on www.example.com:
  winrm identify -remote:www.example.com
${SEE_ALSO}
${see('help switches')}
${see('help remoting')}`;

const HELPMSG = `winrm helpmsg errorcode

Displays error message associate with the error code.
Example:
  winrm helpmsg 0x5`;

const CONFIGSDDL = `  winrm configsddl RESOURCE_URI

Changes an existing entry in the plugin configuration to 
control remote access to WinRM resources.
This command will fail if the plugin does not exist.

This command will launch a GUI to edit the security settings.

RESOURCE_URI is always treated as a prefix.

To change the default security (the RootSDDL setting) use:
  winrm configsddl default

${SEE_ALSO}
${see('help switches')}`;

const QUICKCONFIG = `winrm quickconfig [-quiet] [-transport:VALUE] [-force]

Performs configuration actions to enable this machine for remote management.
Includes:
  1. Start the WinRM service
  2. Set the WinRM service type to auto start
  3. Create a listener to accept request on any IP address
  4. Enable firewall exception for WS-Management traffic (for http only)

-q[uiet]
--------
If present, quickconfig will not prompt for confirmation.

-transport:VALUE
----------------
Perform quickconfig for specific transport.
Possible options are http and https.  Defaults to http.

-force
--------
If present, quickconfig will not prompt for confirmation, and will enable 
the firewall exception regardless of current network profile settings.

${SEE_ALSO}
${see('help config')}`;

const ALIASES = `Aliasing allows shortcuts to be used in place of full Resource URIs.
Available aliases and the Resource URIs they substitute for are:

wmi      = http://schemas.microsoft.com/wbem/wsman/1/wmi
wmicimv2 = http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2
cimv2    = http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2
winrm    = http://schemas.microsoft.com/wbem/wsman/1
wsman    = http://schemas.microsoft.com/wbem/wsman/1
shell    = http://schemas.microsoft.com/wbem/wsman/1/windows/shell

Example: using full Resource URI:
  winrm get http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service?Name=WinRM

Example: using alias:
  winrm get wmicimv2/Win32_Service?Name=WinRM

${SEE_ALSO}
${see('help aliases')}`;

const URIS = `Universal Resource Identifiers (URI) specify management resources to be
used for operations.

Selectors and values are passed after the URI in the form:
  RESOURCE_URI?NAME=VALUE[+NAME=VALUE]...

URIs for all information in WMI are of the following form:
  WMI path = \\\\root\\NAMESPACE[\\NAMESPACE]\\CLASS
  URI      = http://schemas.microsoft.com/wbem/wsman/1/wmi/root/NAMESPACE[/NAMESPACE]/CLASS
  ALIAS    = wmi/root/NAMESPACE[/NAMESPACE]/CLASS

Example: Get information about WinRM service from WMI using single selector
  WMI path = \\\\root\\cimv2\\Win32_Service
  URI      = http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service?Name=WinRM
  ALIAS    = wmi/root/cimv2/Win32_Service?Name=WinRM

When enumerating WMI instances using a WQL filter,
the CLASS must be "*" (star) and no selectors should be specified.
Example:
URI = http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/*

When accesing WMI singleton instances, no selectors should be specified.
Example:
URI = http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service

Note: Some parts of RESOURCE_URI may be case-sensitive. When using create or
invoke, the last part of the resource URI must match case-wise the top-level
element of the expected XML.

${SEE_ALSO}
${see('help uris')}
${see('help aliases')}
${see('help input')}
${see('help switches')}`;

const CONFIG = `Configuration for WinRM is managed using the winrm command line or through GPO.
Configuration includes global configuration for both the client and service.

The WinRM service requires at least one listener to indicate the IP address(es)
on which to accept WS-Management requests.  For example, if the machine has 
multiple network cards, WinRM can be configured to only accept requests from
one of the network cards.

Global configuration
  winrm get winrm/config
  winrm get winrm/config/client
  winrm get winrm/config/service
  winrm enumerate winrm/config/resource
  winrm enumerate winrm/config/listener
  winrm enumerate winrm/config/plugin
  winrm enumerate winrm/config/service/certmapping

Network listening requires one or more listeners.  
Listeners are identified by two selectors: Address and Transport.

Address must be one of:
  *           - Listen on all IPs on the machine 
  IP:1.2.3.4  - Listen only on the specified IP address
  MAC:...     - Listen only on IP address for the specified MAC

Note: All listening is subject to the IPv4Filter and IPv6Filter under    
config/service.
Note: IP may be an IPv4 or IPv6 address.


Transport must be one of:
  HTTP  - Listen for requests on HTTP  (default port is 5985)
  HTTPS - Listen for requests on HTTPS (default port is 5986)

Note: HTTP traffic by default only allows messages encrypted with 
the Negotiate or Kerberos SSP.


When configuring HTTPS, the following properties are used:
  Hostname - Name of this machine; must match CN in certificate.
  CertificateThumbprint - hexadecimal thumbprint of certificate appropriate for
    Server Authentication.
Note: If only Hostname is supplied, WinRM will try to find an appropriate
certificate.

Example: To listen for requests on HTTP on all IPs on the machine:
  winrm create winrm/config/listener?Address=*+Transport=HTTP

Example: To disable a given listener
  winrm set winrm/config/listener?Address=IP:1.2.3.4+Transport=HTTP @{Enabled="false"}

Example: To enable basic authentication on the client but not the service:
  winrm set winrm/config/client/auth @{Basic="true"}

Example: To enable Negotiate for all workgroup machines.
  winrm set winrm/config/client @{TrustedHosts="<local>"}

${SEE_ALSO}
${see('help uris')}
${see('help aliases')}
${see('help certmapping')}
${see('help input')}
${see('help switches')}`;

const CERTMAPPING = `Certificate mapping remote access to WinRM using client certificates is 
stored in the certificate mapping table identified by the 
following resource URI:

 winrm/config/service/CertMapping

Each entry in this table contains five properties:
 Issuer -  Thumbprint of the issuer certificate.
 Subject - Subject field of client certificate.
 URI - The URI or URI prefix for which this mapping applies.
 Username - Local username for processing the request.
 Password - Local password for processing the request.
 Enabled - Use in processing if true.
  
For a client certificate to be applicable, the issuer certificate must be  
available locally and match the thumbprint in the entry Issuer property

For a client certificate to be applicable, its DNS or Principal name 
(from the SubjectAlternativeName field) must match the Subject property.
The value can start with a '*' wildcard.
The URI identifies for which resources the indicated client certificates .
should be mapped.
The value can end with a '*' wildcard.

If the client certificate matches the entry and it is enabled, the 
request is processed under the local account with the given username 
and password after ensuring that user has access to the resource as 
defined by the URI security table.

When creating a new entry or changing the password of an existing entry, 
the -r switch must be used since the WinRM service must store the password
for future use.



Example: To see the current CertMapping configuration
  winrm enumerate winrm/config/service/CertMapping

Example: Create a CertMapping entry:
  winrm create winrm/config/service/certmapping?Issuer=1212131238d84023982e381f20391a2935301923+Subject=*.example.com+URI=wmicimv2/* @{UserName="USERNAME";Password="PASSWORD"} -remote:localhost


${SEE_ALSO}
${see('configsddl -?')}
${see('help input')}
${see('help switches')}`;

const REMOTING = `winrm OPERATION -remote:VALUE [-unencrypted] [-usessl]

-r[emote]:VALUE
---------------
Specifies identifier of remote endpoint/system.  
May be a simple host name or a complete URL.

  [TRANSPORT://]HOST[:PORT][/PREFIX]

Transport: One of HTTP or HTTPS; default is HTTP.
Host: Can be in the form of a DNS name, NetBIOS name, or IP address.
Port: If port is not specified then the following default rules apply:
        * If transport is specified to HTTP then port 80 is used.
        * If transport is specified to HTTPS then port 443 is used.
        * If transport is not specified and -usessl is not specified then port
          5985 is used for an HTTP connection.
        * If transport is not specified and -usessl is specified then port 5986
          is used for an HTTPS connection.
Prefix: Defaults to wsman.

Note: IPv6 addresses must be enclosed in brackets.
Note: When using HTTPS, the machine name must match the server's certificate
      common name (CN) unless -skipCNcheck is used.
Note: Defaults for port and prefix can be changed in the local configuration.

Example: Connect to srv.corp.com via http:
  winrm get uri -r:srv.corp.com

Example: Connect to local computer machine1 via https:
  winrm get uri -r:https://machine1

Example: Connect to an IPv6 machine via http:
  winrm get uri -r:[1:2:3::8]

Example: Connect to an IPv6 machine via https on a non-default port and URL:
  winrm get uri -r:https://[1:2:3::8]:444/path

-un[encrypted]
--------------
Specifies that no encryption will be used when doing remote operations over
HTTP.  Unencrypted traffic is not allowed by default and must be enabled in
the local configuration.

-[use]ssl
---------
Specifies that an SSL connection will be used when doing remote operations.
The transport in the remote option should not be specified. 

To enable this machine to be remotely managed see:
${see('help config')}

${SEE_ALSO}
${see('help uris')}
${see('help aliases')}
${see('help input')}
${see('help switches')}`;

const AUTH = `winrm OPERATION -remote:VALUE 
  [-authentication:VALUE] 
  [-username:USERNAME] 
  [-password:PASSWORD]
  [-certificate:THUMBPRINT]

When connecting remotely, you can specify which credentials and which
authentication mechanisms to use.  If none are specified the current 
logged-on user's credentials will be used.

-a[uthentication]:VALUE
-----------------------
Specifies authentication mechanism used when communicating with remote machine.
Possible options are None, Basic, Digest, Negotiate, Kerberos, CredSSP.
Examples:
  -a:None
  -a:Basic
  -a:Digest
  -a:Negotiate
  -a:Kerberos
  -a:Certificate
  -a:CredSSP
Note: If an authentication mechanism is not specified, Kerberos is used unless
      one of the conditions below is true, in which case Negotiate is used:
   -explicit credentials are supplied and the destination host is trusted
   -the destination host is "localhost", "127.0.0.1" or "[::1]"
   -the client computer is in workgroup and the destination host is trusted
Note: Not all authentication mechanisms are enabled by default.  Allowed
      authentication mechanisms can be controlled by local configuration 
      or group policy.
Note: Most operations will require an authentication mode other than None.
Note: Certificate authentication can be used only with the HTTPS transport.
      To configure an HTTPS listener for the WinRM service run the command:
      "winrm quickconfig -transport:HTTPS"

-u[sername]:USERNAME
--------------------
Specifies username on remote machine. Cannot be used on local machine.
User must be member of local Administrators group on remote machine.
If the user account is a local account on the remote machine,
the syntax should be in the form -username:USERNAME
If the username is a domain account, the syntax should be in the form
-username:DOMAIN\\USERNAME
If Basic or Digest is used, then -username is required.
If Kerberos is used, then the current logged-on user's credentials
are used if -username is not supplied. Only domain credentials can
be used with Kerberos.
If Negotiate is used, then -username is required unless
one of the conditions below is true:
   -the destination host is "localhost", "127.0.0.1" or "[::1]"
   -the client computer is in workgroup and the destination host is trusted
If CredSSP is used, then username and password are required.

-p[assword]:PASSWORD
--------------------
Specifies password on command line to override interactive prompt.
Applies only if -username:USERNAME option is used.

-c[ertificate]:THUMBPRINT
--------------------
Specifies the thumbprint of a certificate that must exist in the local
machine store or in the current user store. The certificate must be intended
for client authentication.
Applies only if -a:Certificate is used.
THUMBPRINT can contain spaces, in which case it must be enclosed in
double quotation marks.
Examples:
-c:7b0cf48026409e38a2d6348761b1dd1271c4f86d
-c:"7b 0c f4 80 26 40 9e 38 a2 d6 34 87 61 b1 dd 12 71 c4 f8 6d"

${SEE_ALSO}
${see('help uris')}
${see('help aliases')}
${see('help input')}
${see('help switches')}`;

const PROXY = `winrm OPERATION -remote:VALUE 
  [-proxyaccess:VALUE] 
  [-proxyauth:VALUE] 
  [-proxyusername:USERNAME] 
  [-proxypassword:PASSWORD]

When connecting remotely, you can specify which proxy access type,
 proxy credentials and proxy authentication mechanisms to use.
-p[roxy]ac[cess]:VALUE
-----------------------
Specifies which proxy settings to retrieve when connecting to a remote machine.
Possible options are ie_settings, winhttp_settings, auto_detect, no_proxy.
Examples:
  -pac:ie_settings
  -pac:winhttp_settings
  -pac:auto_detect
  -pac:no_proxy

The WSMan client provides four options for the configuration of proxy settings:
   -use settings configured through Internet Explorer (default)
   -use settings configured through WinHTTP
   -automatic proxy discovery
   -direct connection (don’t use a proxy)
-p[roxy]a[uth]:VALUE
-----------------------
Specifies authentication mechanism used to authenticate with a proxy.
Possible options are Basic, Digest, Negotiate.
Examples:
  -pa:Basic
  -pa:Digest
  -pa:Negotiate
If -proxyauth:VALUE is used then -proxyaccess:VALUE is required.
-p[roxy]u[sername]:USERNAME
--------------------
Specifies username to authenticate with proxy. Cannot be used on local machine.
If the user account is a local account on the remote machine,
the syntax should be in the form -proxyusername:USERNAME
If the username is a domain account, the syntax should be in the form
-proxyusername:DOMAIN\\USERNAME
If -proxyusername is used then -proxyauth:VALUE is required.
-p[roxy]p[assword]:PASSWORD
--------------------
Specifies password on command line to override interactive prompt.
Applies only if -proxyusername:USERNAME option is used.

${SEE_ALSO}
${see('help uris')}
${see('help auth')}
${see('help aliases')}
${see('help input')}
${see('help switches')}`;

const INPUT = `Input can be by either providing key/value pairs directly on the command line
or reading XML from a file.

  winrm OPERATION -file:VALUE 
  winrm OPERATION @{KEY="VALUE"[;KEY="VALUE"]}

Applies to set, create, and invoke operations.
Use either @{KEY=VALUE} or input from an XML file, but not both.

-file:VALUE
-----------
Specifies name of file used as input.
VALUE can be absolute path, relative path, or filename without path.
Names or paths that include spaces must be enclosed in quotation marks.

@{KEY="VALUE"[;KEY="VALUE"]}
----------------------------
Keys are not unique.
Values must be within quotation marks.
$null is a special value.

Examples:
  @{key1="value1";key2="value2"}
  @{key1=$null;key2="value2"}

${SEE_ALSO}
${see('set -?')}
${see('create -?')}
${see('invoke -?')}`;

const FILTERS = `Filters allow selecting a subset of the desired resources:

winrm enumerate RESOURCE_URI -filter:EXPR [-dialect:URI] [-Associations]...

-filter:EXPR
------------
Filter expression for enumeration.

-dialect:URI
------------
Dialect of the filter expression for enumeration.
This may be any dialect supported by the remote service.  

The following aliases can be used for the dialect URI:
* WQL - http://schemas.microsoft.com/wbem/wsman/1/WQL
* Selector - http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter
* Association - http://schemas.dmtf.org/wbem/wsman/1/cimbinding/AssociationFilter

The dialect URI defaults to WQL when used with enumeration.

-Associations
------------
This parameter has relevance only when the Dialect parameter exists, and its value is specified as Association. Otherwise this parameter should not be used.
This indicates retrieval of Association Instances rather than Associated Instances. Absence of this parameter would imply Associated Instances are to be retrieved.

Example: Find running services
  winrm e wmicimv2/Win32_Service -dialect:selector -filter:{State="Running"}

Example: Find auto start services that are not running
  winrm e wmicimv2/* -filter:"select * from Win32_Service where State!='Running' and StartMode='Auto'"

Example: Find the services on which winrm service has a dependency
  winrm e wmicimv2/* -dialect:Association -filter:{Object=Win32_Service?Name=WinRM;AssociationClassName=Win32_DependentService;ResultClassName=win32_service;ResultRole=antecedent;Role=dependent}

${SEE_ALSO}
${see('enumerate -?')}`;

const SWITCHES = `-timeout:MS
-----------
Timeout in milliseconds. Limits duration of corresponding operation.
Default timeout can be configured by:
  winrm set winrm/config @{MaxTimeoutms="XXXXXX"}
Where XXXXXX is an integer indicating milliseconds.

-skipCAcheck
------------
Specifies that certificate issuer need not be a trusted root authority.
Used only in remote operations using HTTPS (see -remote option).
This option should be used only for trusted machines.

-skipCNcheck
------------
Specifies that certificate common name (CN) of the server need not match the
hostname of the server. 
Used only in remote operations using HTTPS (see -remote option).
This option should be used only for trusted machines.

-skipRevocationcheck
-------------------
Specifies that the revocation status of the server certificate is not checked.
Used only in remote operations using HTTPS (see -remote option).
This option should be used only for trusted machines.

-defaultCreds
-------------------
Specifies that the implicit credentials are allowed when Negotiate is used.
Allowed only in remote operations using HTTPS (see -remote option).

-dialect:VALUE
--------------
Dialect of the filter expression for enumeration or fragment.
Example: Use a WQL query
  -dialect:http://schemas.microsoft.com/wbem/wsman/1/WQL
Example: Use XPATH for filtering with enumeration or fragment get/set.
  -dialect:http://www.w3.org/TR/1999/REC-xpath-19991116

-fragment:VALUE
---------------
Specify a section inside the instance XML that is to be updated or retrieved
for the given operation.
Example: Get the status of the spooler service
  winrm get wmicimv2/Win32_Service?name=spooler -fragment:Status/text()

-options:{KEY="VALUE"[;KEY="VALUE"]}
------------------------------------
Key/value pairs for provider-specific options.
To specify NULL as a value, use $null

Examples:
  -options:{key1="value1";key2="value2"}
  -options:{key1=$null;key2="value2"}

-SPNPort
--------
Appends port number to the Service Principal Name (SPN) of the remote server.
Service principal name is used when Negotiate or Kerberos authentication
mechanism is in use.

-encoding:VALUE
---------------
Specifies encoding type when talking to remote machine (see -remote
option). Possible options are "utf-8" and "utf-16".
Default is utf-8.
Examples:
  -encoding:utf-8
  -encoding:utf-16

-f[ormat]:FORMAT
----------------
Specifies format of output.
FORMAT can be "xml", "pretty" (better formatted XML), or "text".
Examples:
  -format:xml
  -format:pretty
  -format:text`;

/** Topic (operation, switch or help topic name) → text, as winrm.vbs's HelpMenu table maps them. */
export const HELP_TOPICS: Readonly<Record<string, string>> = {
  help: HELP,
  get: GET,
  set: SET,
  configsddl: CONFIGSDDL,
  create: CREATE,
  delete: DELETE,
  enumerate: ENUMERATE,
  invoke: INVOKE,
  quickconfig: QUICKCONFIG,
  identify: IDENTIFY,
  helpmsg: HELPMSG,
  username: AUTH,
  password: AUTH,
  proxyauthentication: PROXY,
  proxyaccess: PROXY,
  proxyusername: PROXY,
  proxypassword: PROXY,
  dialect: SWITCHES,
  file: INPUT,
  filter: SWITCHES,
  remote: REMOTING,
  skipcacheck: SWITCHES,
  skipcncheck: SWITCHES,
  skiprevocationcheck: SWITCHES,
  defaultcreds: SWITCHES,
  spnport: SWITCHES,
  timeout: SWITCHES,
  authentication: AUTH,
  unencrypted: REMOTING,
  usessl: REMOTING,
  encoding: SWITCHES,
  format: SWITCHES,
  options: SWITCHES,
  fragment: SWITCHES,
  '@{}': INPUT,
  config: CONFIG,
  certmapping: CERTMAPPING,
  uris: URIS,
  alias: ALIASES,
  aliases: ALIASES,
  filters: FILTERS,
  switches: SWITCHES,
  remoting: REMOTING,
  input: INPUT,
  auth: AUTH,
  proxy: PROXY,
};
