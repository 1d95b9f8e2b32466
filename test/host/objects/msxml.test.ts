/** MSXML DOMDocument through IDispatch: load/loadXML, parseError, XPath with namespaces, the DOM, save, XSLT. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NOTHING } from '../../../src/automation/dispatch/contract';
import { createHostObject } from '../../../src/host/objects/registry';
import { describeWithSharedFixtures, sharedFixture } from '../../helpers/shared-reference';
import { call, callDefault, errorNumber, forEach, put, putRef } from './dispatch-helpers';

const dom = (progId = 'MSXML2.DOMDocument') => createHostObject(progId, {})!;

const WMI_ERROR = 'WinRb_WinRM/tests__spec__stubs__responses__wmi_error_v2.xml';
const NAMESPACES = "xmlns:s='http://www.w3.org/2003/05/soap-envelope' xmlns:e='http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_WmiError'";

describeWithSharedFixtures('MSXML on a recorded WinRM reply', () => {
  it('selects with XPath and SelectionNamespaces (prefixes of the script, not of the document)', () => {
    const doc = dom();
    put(doc, 'async', false);
    expect(call(doc, 'loadXML', sharedFixture(WMI_ERROR))).toBe(true);
    call(doc, 'setProperty', 'SelectionLanguage', 'XPath');
    call(doc, 'setProperty', 'SelectionNamespaces', NAMESPACES);
    expect(call(doc, 'getProperty', 'SelectionNamespaces')).toBe(NAMESPACES);
    const code = call(doc, 'selectSingleNode', '/s:Envelope/s:Body/s:Fault/s:Detail/e:MSFT_WmiError/e:error_Code');
    expect(call(code, 'text')).toBe('2150859173');
    expect(call(code, 'baseName')).toBe('error_Code');
    expect(call(code, 'prefix')).toBe('p');
    expect(call(code, 'getAttribute', 'xsi:type')).toBe('cim:cimUnsignedInt');
    expect(call(code, 'getAttribute', 'missing')).toBeNull();
    const nils = call(doc, 'selectNodes', "//e:MSFT_WmiError/*[@*[local-name()='nil']='true']");
    expect(call(nils, 'length')).toBe(6);
    expect(forEach(nils).map((node) => call(node, 'nodeName'))[0]).toBe('p:CIMStatusCodeDescription');
    expect(call(doc, 'selectSingleNode', '//s:NoSuch')).toBe(NOTHING);
    expect(call(call(doc, 'selectSingleNode', '//s:Subcode/s:Value'), 'text')).toBe('w:QuotaLimit');
    // A prefix the script did not declare is an error of the query.
    expect(errorNumber(() => call(doc, 'selectNodes', '//zz:Value'))).toBe(0x80004005 | 0);
  });
});

describe('MSXML DOMDocument', () => {
  it('is made for every MSXML ProgID; 3.0 starts in XSLPattern, 6.0 in XPath', () => {
    for (const progId of ['MSXML2.DOMDocument', 'Msxml2.DOMDocument.3.0', 'Microsoft.XMLDOM', 'MSXML.DOMDocument']) {
      expect(call(dom(progId), 'getProperty', 'SelectionLanguage')).toBe('XSLPattern');
    }
    expect(call(dom('MSXML2.DOMDocument.6.0'), 'getProperty', 'SelectionLanguage')).toBe('XPath');
    expect(dom().typeName).toBe('DOMDocument');
  });

  it('reports a malformed document through parseError, without throwing', () => {
    const doc = dom();
    expect(call(doc, 'loadXML', '<a>\n  <b></c>\n</a>')).toBe(false);
    const error = call(doc, 'parseError');
    expect(call(error, 'errorCode')).toBe(0xc00ce56d | 0);
    expect(call(error, 'reason')).toBe("End tag 'c' does not match the start tag 'b'.\r\n");
    expect([call(error, 'line'), call(error, 'srcText')]).toEqual([2, '  <b></c>']);
    expect(call(doc, 'documentElement')).toBe(NOTHING);
    expect(call(doc, 'loadXML', '')).toBe(false);
    expect(call(call(doc, 'parseError'), 'errorCode')).toBe(0xc00ce558 | 0);
  });

  it('refuses a DOCTYPE, so no entity is ever expanded', () => {
    const doc = dom();
    expect(call(doc, 'loadXML', '<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>')).toBe(false);
    const error = call(doc, 'parseError');
    expect([call(error, 'errorCode'), call(error, 'reason'), call(error, 'line')]).toEqual([0xc00ce584 | 0, 'DTD is prohibited.\r\n', 2]);
  });

  it('builds, edits and serializes a document; the same node is the same object', () => {
    const doc = dom();
    call(doc, 'appendChild', call(doc, 'createProcessingInstruction', 'xml', 'version="1.0"'));
    const root = call(doc, 'createElement', 'Config');
    putRef(doc, 'documentElement', root);
    const child = call(doc, 'createElement', 'MaxEnvelopeSizekb');
    call(child, 'appendChild', call(doc, 'createTextNode', '500'));
    call(root, 'appendChild', child);
    call(child, 'setAttribute', 'Source', 'GPO');
    const attribute = call(doc, 'createAttribute', 'Unit');
    put(attribute, 'value', 'kb');
    call(call(child, 'attributes'), 'setNamedItem', attribute);
    expect(call(doc, 'xml')).toBe('<?xml version="1.0"?>\r\n<Config><MaxEnvelopeSizekb Source="GPO" Unit="kb">500</MaxEnvelopeSizekb></Config>\r\n');
    expect(call(doc, 'documentElement')).toBe(root);
    expect(call(root, 'firstChild')).toBe(child);
    expect(call(call(root, 'childNodes'), 'length')).toBe(1);
    const list = call(doc, 'getElementsByTagName', 'MaxEnvelopeSizekb');
    expect(callDefault(list, 0)).toBe(child);
    expect(call(list, 'nextNode')).toBe(child);
    expect(call(list, 'nextNode')).toBe(NOTHING);
    call(list, 'reset');
    expect(call(list, 'nextNode')).toBe(child);
    const copy = call(child, 'cloneNode', true);
    call(root, 'insertBefore', copy, child);
    put(copy, 'text', '150');
    expect(call(root, 'text')).toBe('150500');
    call(root, 'removeChild', child);
    expect(call(root, 'xml')).toBe('<Config><MaxEnvelopeSizekb Source="GPO" Unit="kb">150</MaxEnvelopeSizekb></Config>');
    expect([call(copy, 'nodeType'), call(copy, 'nodeTypeString'), call(call(copy, 'firstChild'), 'nodeValue')]).toEqual([1, 'element', '150']);
  });

  it('drops whitespace-only text unless preserveWhiteSpace; load and save use files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msxml-'));
    try {
      const path = join(dir, 'in.xml');
      writeFileSync(path, '<a>\n  <b> x </b>\n</a>');
      const doc = dom();
      expect(call(doc, 'load', path)).toBe(true);
      expect(call(call(call(doc, 'documentElement'), 'childNodes'), 'length')).toBe(1);
      expect(call(doc, 'text')).toBe('x');
      put(doc, 'preserveWhiteSpace', true);
      call(doc, 'load', path);
      expect(call(call(call(doc, 'documentElement'), 'childNodes'), 'length')).toBe(3);
      call(doc, 'save', join(dir, 'out.xml'));
      expect(readFileSync(join(dir, 'out.xml'), 'utf8')).toBe('<a>\r\n  <b> x </b>\r\n</a>\r\n');
      expect(call(doc, 'load', join(dir, 'missing.xml'))).toBe(false);
      expect(call(call(doc, 'parseError'), 'errorCode')).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('transforms with XSLT 1.0 to text (transformNode) and into another document (transformNodeToObject)', () => {
    const doc = dom();
    call(
      doc,
      'loadXML',
      '<p:Win32_Service xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service"><p:Name>WinRM</p:Name><p:State>Running &amp; &lt;ok&gt;</p:State></p:Win32_Service>',
    );
    const text = dom();
    call(
      text,
      'loadXML',
      '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:output method="text"/><xsl:template match="/"><xsl:for-each select="/*/*"><xsl:value-of select="local-name()"/> = <xsl:value-of select="."/><xsl:text>&#10;</xsl:text></xsl:for-each></xsl:template></xsl:stylesheet>',
    );
    expect(call(doc, 'transformNode', text)).toBe('Name = WinRM\nState = Running & <ok>\n');
    const toXml = dom();
    call(
      toXml,
      'loadXML',
      '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template match="/"><services><xsl:for-each select="/*"><service name="{*[1]}" state="{*[2]}"/></xsl:for-each></services></xsl:template></xsl:stylesheet>',
    );
    const out = dom();
    call(doc, 'transformNodeToObject', toXml, out);
    expect(call(call(out, 'documentElement'), 'xml')).toBe('<services><service name="WinRM" state="Running &amp; &lt;ok&gt;"/></services>');
  });
});
