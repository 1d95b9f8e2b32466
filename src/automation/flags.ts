/** The four enumerations of the type library, with their IDL values (checked against idl/ by the tests). */

export enum WSManSessionFlags {
  WSManFlagUTF8 = 0x1,
  WSManFlagCredUsernamePassword = 0x1000,
  WSManFlagSkipCACheck = 0x2000,
  WSManFlagSkipCNCheck = 0x4000,
  WSManFlagUseNoAuthentication = 0x8000,
  WSManFlagUseDigest = 0x10000,
  WSManFlagUseNegotiate = 0x20000,
  WSManFlagUseBasic = 0x40000,
  WSManFlagUseKerberos = 0x80000,
  WSManFlagNoEncryption = 0x100000,
  WSManFlagUseClientCertificate = 0x200000,
  WSManFlagEnableSPNServerPort = 0x400000,
  WSManFlagUTF16 = 0x800000,
  WSManFlagUseCredSsp = 0x1000000,
  WSManFlagSkipRevocationCheck = 0x2000000,
  WSManFlagAllowNegotiateImplicitCredentials = 0x4000000,
  WSManFlagUseSsl = 0x8000000,
}

export enum WSManEnumFlags {
  WSManFlagNonXmlText = 0x1,
  WSManFlagReturnObject = 0x0,
  WSManFlagReturnEPR = 0x2,
  WSManFlagReturnObjectAndEPR = 0x4,
  WSManFlagHierarchyDeep = 0x0,
  WSManFlagHierarchyShallow = 0x20,
  WSManFlagHierarchyDeepBasePropsOnly = 0x40,
  WSManFlagAssociatedInstance = 0x0,
  WSManFlagAssociationInstance = 0x80,
}

export enum WSManProxyAccessTypeFlags {
  WSManProxyIEConfig = 0x1,
  WSManProxyWinHttpConfig = 0x2,
  WSManProxyAutoDetect = 0x4,
  WSManProxyNoProxyServer = 0x8,
}

export enum WSManProxyAuthenticationFlags {
  WSManFlagProxyAuthenticationUseNegotiate = 0x1,
  WSManFlagProxyAuthenticationUseBasic = 0x2,
  WSManFlagProxyAuthenticationUseDigest = 0x4,
}
