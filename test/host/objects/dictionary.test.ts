/** Scripting.Dictionary through its IDispatch, as VBScript and JScript reach it. */
import { DISPATCH_PROPERTYGET, DISPID_VALUE } from '../../../src/automation/dispatch/contract';
import { errorNamed } from '../../../src/core/errors/error-table';
import { createHostObject } from '../../../src/host/objects/registry';
import { call, callDefault, errorNumber, forEach, put } from './dispatch-helpers';

const dictionary = () => createHostObject('Scripting.Dictionary', {})!;

describe('Scripting.Dictionary', () => {
  it('is created by its ProgID in any case, and no other ProgID is the host’s', () => {
    expect(createHostObject('scripting.DICTIONARY', {})?.typeName).toBe('Dictionary');
    expect(createHostObject('WSMan.Automation', {})).toBeUndefined();
  });

  it('adds, counts, tests and lists in insertion order', () => {
    const d = dictionary();
    call(d, 'Add', 'b', 2);
    call(d, 'add', 'a', 1);
    call(d, 'Add', 1, 'one');
    expect(call(d, 'Count')).toBe(3);
    expect(call(d, 'Exists', 'a')).toBe(true);
    expect(call(d, 'Exists', 'A')).toBe(false);
    expect(call(d, 'Keys')).toEqual(['b', 'a', 1]);
    expect(call(d, 'Items')).toEqual([2, 1, 'one']);
    // 1 and "1" are different keys; 1 and 1.0 the same.
    expect(call(d, 'Exists', '1')).toBe(false);
    expect(call(d, 'Item', 1.0)).toBe('one');
    expect(forEach(d)).toEqual(['b', 'a', 1]);
  });

  it('Item is the default member; reading a missing key adds it with Empty', () => {
    const d = dictionary();
    expect(d.Invoke(DISPID_VALUE, DISPATCH_PROPERTYGET, ['missing'])).toBeUndefined();
    expect(call(d, 'Exists', 'missing')).toBe(true);
    expect(call(d, 'Count')).toBe(1);
    put(d, 'Item', 'x', 42);
    expect(callDefault(d, 'x')).toBe(42);
    put(d, 'Item', 'x', 43);
    expect(call(d, 'Item', 'x')).toBe(43);
  });

  it('renames a key in place with Key, and reports the Windows errors', () => {
    const d = dictionary();
    call(d, 'Add', 'a', 1);
    call(d, 'Add', 'b', 2);
    put(d, 'Key', 'a', 'z');
    expect(call(d, 'Keys')).toEqual(['z', 'b']);
    expect(errorNumber(() => put(d, 'Key', 'nope', 'q'))).toBe(32811);
    expect(errorNumber(() => put(d, 'Key', 'z', 'b'))).toBe(457);
    expect(errorNumber(() => call(d, 'Add', 'b', 3))).toBe(457);
    expect(errorNumber(() => call(d, 'Remove', 'nope'))).toBe(32811);
    call(d, 'Remove', 'b');
    expect(call(d, 'Keys')).toEqual(['z']);
    call(d, 'RemoveAll');
    expect(call(d, 'Count')).toBe(0);
  });

  it('compares text keys without case in text mode, set only while empty', () => {
    const d = dictionary();
    put(d, 'CompareMode', 1);
    call(d, 'Add', 'Key', 1);
    expect(call(d, 'Exists', 'KEY')).toBe(true);
    expect(errorNumber(() => call(d, 'Add', 'kEy', 2))).toBe(457);
    expect(errorNumber(() => put(d, 'CompareMode', 0))).toBe(5);
    expect(call(d, 'CompareMode')).toBe(1);
  });

  it('answers IDispatch failures with the DISP_E codes a script engine words as 438 and 450', () => {
    const d = dictionary();
    expect(() => d.GetIDsOfNames(['Nope'])).toThrow(expect.objectContaining({ hresult: errorNamed('DISP_E_UNKNOWNNAME').hresult }));
    expect(() => call(d, 'Add', 'only-key')).toThrow(expect.objectContaining({ hresult: errorNamed('DISP_E_BADPARAMCOUNT').hresult }));
    expect(() => put(d, 'Count', 3)).toThrow(expect.objectContaining({ hresult: errorNamed('DISP_E_MEMBERNOTFOUND').hresult }));
    expect(d.describe(DISPID_VALUE).name).toBe('Item');
    expect(d.describe(d.GetIDsOfNames(['item'])[0]).kinds).toEqual(new Set(['propget', 'propput', 'propputref']));
  });
});
