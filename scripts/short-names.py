#!/usr/bin/env python3
"""Gives the names between a wasm module and its wasm-bindgen JS glue short
names, in both files: the imports (`__wbg_set_attribute_<16 hex digits>`, one
per browser function the player calls), their module name, the exports the
glue calls (`wasm.__wbindgen_malloc`, the closures' invoke shims) and the
glue's own shims for them.

Each of those names is in the wasm file and again in the JS file, and the
hashes in them do not compress: about 270 imports cost several KB gzip.
Nothing outside the two files sees these names (the glue's `export`s keep
theirs), so the module behaves the same. Run after wasm-opt:

    short-names.py module_bg.wasm module.js

The files are rewritten in place. It stops, changing nothing, if a name is
not where the glue is expected to have it (a new wasm-bindgen version may
write the glue differently): see ARCHITECTURE.md, "Size budget".
"""
import re
import sys


def leb(data, i):
    """Reads an unsigned LEB128 number at i; returns it and the next index."""
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def enc(value):
    """Writes an unsigned LEB128 number."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def name(data, i):
    length, i = leb(data, i)
    return data[i:i + length].decode("utf-8"), i + length


def enc_name(text):
    raw = text.encode("utf-8")
    return enc(len(raw)) + raw


def limits(data, i):
    flags = data[i]
    i += 1
    _, i = leb(data, i)
    if flags & 1:
        _, i = leb(data, i)
    return i


def import_desc_end(data, i):
    """Index after an import's description (function, table, memory, global, tag)."""
    kind = data[i]
    i += 1
    if kind == 0:  # function: type index
        _, i = leb(data, i)
    elif kind == 1:  # table: reference type, limits
        i = limits(data, i + 1)
    elif kind == 2:  # memory: limits
        i = limits(data, i)
    elif kind == 3:  # global: value type, mutability
        i += 2
    elif kind == 4:  # tag: attribute, type index
        _, i = leb(data, i + 1)
    else:
        sys.exit(f"short-names: unknown import kind {kind}")
    return i


def short_names(taken):
    """a, b, …, Z, aa, ab, …: names that are none of `taken`."""
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    n = 0
    while True:
        k, text = n, ""
        while True:
            text = letters[k % 52] + text
            k = k // 52 - 1
            if k < 0:
                break
        n += 1
        if text not in taken:
            yield text


def main():
    wasm_path, js_path = sys.argv[1], sys.argv[2]
    data = open(wasm_path, "rb").read()
    js = open(js_path, encoding="utf-8").read()
    if data[:8] != b"\0asm\1\0\0\0":
        sys.exit(f"short-names: {wasm_path} is not a wasm module")

    # Read the sections: (id, start of content, end).
    sections, i = [], 8
    while i < len(data):
        sid = data[i]
        size, start = leb(data, i + 1)
        sections.append((sid, start, start + size))
        i = start + size

    imports, exports = [], []  # (module, field, desc bytes) / (name, kind+index bytes)
    for sid, start, end in sections:
        if sid == 2:
            count, j = leb(data, start)
            for _ in range(count):
                module, j = name(data, j)
                field, j = name(data, j)
                k = import_desc_end(data, j)
                imports.append((module, field, data[j:k]))
                j = k
        elif sid == 7:
            count, j = leb(data, start)
            for _ in range(count):
                export, j = name(data, j)
                k = j + 1
                _, k = leb(data, k)
                exports.append((export, data[j:k]))
                j = k

    # The glue's own module name, as it gives the imports object.
    modules = {m for m, _, _ in imports}
    glue_module = [m for m in modules if m.startswith("./") and m.endswith("_bg.js")]
    if len(glue_module) != 1:
        sys.exit(f"short-names: no single glue module among {sorted(modules)}")
    glue_module = glue_module[0]
    key = f'"{glue_module}": import0'
    if js.count(key) != 1:
        sys.exit(f"short-names: the glue does not name its imports as {key}")
    js = js.replace(key, '"w": import0')

    # Imports: each is a key `        NAME: function(` of the glue's `import0`.
    fresh = short_names(set())
    new_import = {}
    for module, field, _ in imports:
        if module != glue_module or field in new_import:
            continue
        pattern = re.compile(r"^(\s+)" + re.escape(field) + r":", re.M)
        if len(pattern.findall(js)) != 1:
            sys.exit(f"short-names: the import {field} is not one key of the glue")
        new_import[field] = next(fresh)
        js = pattern.sub(lambda m: m.group(1) + new_import[field] + ":", js)

    # Exports: renamed where the glue calls them as `wasm.NAME`; the others
    # (none today) keep their names.
    used = {e for e, _ in exports if re.search(r"\bwasm\." + re.escape(e) + r"\b", js)}
    fresh = short_names({e for e, _ in exports if e not in used})
    new_export = {}
    for export, _ in exports:
        if export in used:
            new_export[export] = next(fresh)
    if new_export:
        js = re.sub(
            r"\bwasm\.(" + "|".join(map(re.escape, sorted(new_export, key=len, reverse=True))) + r")\b",
            lambda m: "wasm." + new_export[m.group(1)],
            js,
        )

    # The glue's shims for the closures' invoke exports are functions of the
    # glue alone (`function wasm_bindgen__convert__closures_____invoke__h…`).
    shims = sorted(set(re.findall(r"^function (wasm_bindgen__convert__closures_\w+)\(", js, re.M)), key=len, reverse=True)
    taken = set(re.findall(r"\b_\$\w+\b", js))
    for n, shim in enumerate(shims):
        short = f"_${n}"
        if short in taken:
            sys.exit(f"short-names: the glue already has a name {short}")
        js = re.sub(r"\b" + re.escape(shim) + r"\b", short, js)

    # Write the sections back with the new names.
    out = bytearray(data[:8])
    for sid, start, end in sections:
        if sid == 2:
            body = enc(len(imports))
            for module, field, desc in imports:
                if module == glue_module:
                    body += enc_name("w") + enc_name(new_import[field]) + desc
                else:
                    body += enc_name(module) + enc_name(field) + desc
        elif sid == 7:
            body = enc(len(exports))
            for export, rest in exports:
                body += enc_name(new_export.get(export, export)) + rest
        else:
            body = data[start:end]
        out += bytes([sid]) + enc(len(body)) + body
    open(wasm_path, "wb").write(out)
    open(js_path, "w", encoding="utf-8").write(js)


main()
