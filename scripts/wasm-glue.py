#!/usr/bin/env python3
"""Two steps on a wasm module and its wasm-bindgen JS glue that make what a
reader downloads smaller without changing what the module does. The files
are rewritten in place; either step stops, changing nothing, when the glue
is not written the way it expects (a new wasm-bindgen version may write it
differently): see ARCHITECTURE.md, "Size budget".

    wasm-glue.py drop-classes module_bg.wasm module.js Class...

Before wasm-opt: removes exported classes that nothing constructs, from the
glue (the class, its finalizer) and from the wasm (the exports only they
call), so that wasm-opt drops the code behind them. The base names
wasm-streams' `IntoUnderlying*` classes: leptos depends on server_fn, which
depends on wasm-streams, whose `#[wasm_bindgen]` classes are exported from
every module that links it; the player streams nothing (1.9 KB gzip).

    wasm-glue.py short-names module_bg.wasm module.js

After wasm-opt: gives the names between the two files short names, in
both: the imports (`__wbg_setAttribute_<16 hex digits>`, one per browser
function the player calls), their module name, the exports the glue calls
(`wasm.__wbindgen_malloc`, the closures' invoke shims) and the glue's own
shims for them; the glue's import functions the wasm no longer imports
(wasm-opt removed them) are dropped, and one that only calls a `Math`
function is that function. Each name is in the wasm file and
again in the JS file, and their hashes do not compress: about 270 imports
cost 8.7 KB gzip of the base. Nothing outside the two files sees these
names (the glue's `export`s keep theirs). Then the glue loses its
indentation, empty lines and whole-line comments (1.1 KB gzip).
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


def fail(message):
    sys.exit(f"wasm-glue: {message}")


class Module:
    """A wasm module's sections, imports and exports."""

    def __init__(self, path):
        self.path = path
        data = self.data = open(path, "rb").read()
        if data[:8] != b"\0asm\1\0\0\0":
            fail(f"{path} is not a wasm module")
        # (id, start of content, end)
        self.sections, i = [], 8
        while i < len(data):
            sid = data[i]
            size, start = leb(data, i + 1)
            self.sections.append((sid, start, start + size))
            i = start + size
        self.imports, self.exports = [], []  # (module, field, desc) / (name, kind and index)
        for sid, start, _ in self.sections:
            if sid == 2:
                count, j = leb(data, start)
                for _ in range(count):
                    module, j = name(data, j)
                    field, j = name(data, j)
                    k = import_desc_end(data, j)
                    self.imports.append((module, field, data[j:k]))
                    j = k
            elif sid == 7:
                count, j = leb(data, start)
                for _ in range(count):
                    export, j = name(data, j)
                    _, k = leb(data, j + 1)
                    self.exports.append((export, data[j:k]))
                    j = k

    def write(self):
        out = bytearray(self.data[:8])
        for sid, start, end in self.sections:
            if sid == 2:
                body = enc(len(self.imports))
                for module, field, desc in self.imports:
                    body += enc_name(module) + enc_name(field) + desc
            elif sid == 7:
                body = enc(len(self.exports))
                for export, rest in self.exports:
                    body += enc_name(export) + rest
            else:
                body = self.data[start:end]
            out += bytes([sid]) + enc(len(body)) + body
        open(self.path, "wb").write(out)


def wasm_calls(js):
    """The exports a piece of the glue calls (`wasm.NAME`)."""
    return set(re.findall(r"\bwasm\.(\w+)", js))


def drop_classes(module, js, classes):
    """Removes the classes from the glue and the exports only they call."""
    dropped = ""
    for cls in classes:
        if f"export class {cls} " not in js:
            continue
        parts = [
            # The class, to its closing brace at the line's start, and its
            # `Symbol.dispose` line.
            r"^export class " + cls + r" \{\n.*?^\}\n(?:if \(Symbol\.dispose\) " + cls + r"\.prototype[^\n]*\n)?",
            # Its finalizer: three lines.
            r"^const " + cls + r"Finalization = [^\n]*\n[^\n]*\n[^\n]*\n",
        ]
        for part in parts:
            found = re.findall(part, js, re.M | re.S)
            if len(found) != 1:
                fail(f"the glue's class {cls} is not written as expected")
            dropped += found[0]
            js = js.replace(found[0], "")
        if re.search(r"\b" + cls + r"\b", js):
            fail(f"the glue still uses the class {cls}")
    gone = wasm_calls(dropped) - wasm_calls(js)
    module.exports = [(e, rest) for e, rest in module.exports if e not in gone]
    # Enumerations only the dropped classes used.
    for enum in re.findall(r"^const (__wbindgen_enum_\w+) = .*\n", js, re.M):
        if len(re.findall(r"\b" + enum + r"\b", js)) == 1:
            js = re.sub(r"^const " + enum + r" = .*\n", "", js, flags=re.M)
    return js


def short(module, js):
    """Gives the imports, exports and invoke shims short names."""
    # The glue's own module name, as it gives the imports object.
    modules = {m for m, _, _ in module.imports}
    glue_module = [m for m in modules if m.startswith("./") and m.endswith("_bg.js")]
    if len(glue_module) != 1:
        fail(f"no single glue module among {sorted(modules)}")
    glue_module = glue_module[0]
    key = f'"{glue_module}": import0'
    if js.count(key) != 1:
        fail(f"the glue does not name its imports as {key}")
    js = js.replace(key, '"w": import0')

    # The glue's import functions (keys `        NAME: function(…) {` of
    # `import0`, to `        },`) that the wasm no longer imports.
    imported = {f for m, f, _ in module.imports if m == glue_module}
    for field in re.findall(r"^ {8}(\w+): function\(", js, re.M):
        if field not in imported:
            block = re.compile(r"^ {8}" + field + r": function\(.*?^ {8}\},\n", re.M | re.S)
            if len(block.findall(js)) != 1:
                fail(f"the glue's import {field} is not written as expected")
            js = block.sub("", js)

    # An import that only calls one of `Math`'s functions with its own
    # arguments becomes that function: the wasm then calls the browser's
    # `Math` directly, not through a function of the glue (a JS frame per
    # call; the base's float functions all go there, `src/math.rs`).
    js = re.sub(
        r"^( {8}\w+: )function\((arg0(?:, arg1)?)\) \{\n {12}const ret = (Math\.\w+)\(\2\);\n {12}return ret;\n {8}\},\n",
        lambda m: m.group(1) + m.group(3) + ",\n",
        js,
        flags=re.M,
    )

    # Imports: each is one key `        NAME:` of the glue's `import0`.
    fresh = short_names(set())
    new_import = {}
    for m, field, _ in module.imports:
        if m != glue_module or field in new_import:
            continue
        pattern = re.compile(r"^(\s+)" + re.escape(field) + r":", re.M)
        if len(pattern.findall(js)) != 1:
            fail(f"the import {field} is not one key of the glue")
        new_import[field] = next(fresh)
        js = pattern.sub(lambda m: m.group(1) + new_import[field] + ":", js)
    module.imports = [
        ("w", new_import[f], desc) if m == glue_module else (m, f, desc) for m, f, desc in module.imports
    ]

    # Exports: renamed where the glue calls them as `wasm.NAME`; the others
    # (none today) keep their names.
    used = {e for e, _ in module.exports} & wasm_calls(js)
    fresh = short_names({e for e, _ in module.exports if e not in used})
    new_export = {e: next(fresh) for e, _ in module.exports if e in used}
    if new_export:
        js = re.sub(
            r"\bwasm\.(" + "|".join(map(re.escape, sorted(new_export, key=len, reverse=True))) + r")\b",
            lambda m: "wasm." + new_export[m.group(1)],
            js,
        )
    module.exports = [(new_export.get(e, e), rest) for e, rest in module.exports]

    # The glue's shims for the closures' invoke exports are functions of the
    # glue alone (`function wasm_bindgen__convert__closures_____invoke__h…`).
    shims = sorted(set(re.findall(r"^function (wasm_bindgen__convert__closures_\w+)\(", js, re.M)), key=len, reverse=True)
    taken = set(re.findall(r"_\$\d+", js))
    for n, shim in enumerate(shims):
        name_ = f"_${n}"
        if name_ in taken:
            fail(f"the glue already has a name {name_}")
        js = re.sub(r"\b" + re.escape(shim) + r"\b", name_, js)
    return js


def compact(js):
    """The glue without indentation, empty lines and whole-line `//`
    comments. Lines are not joined, so no semicolon is inserted or lost;
    refused if a template literal spans lines (then a line's leading
    spaces could be its text)."""
    for n, line in enumerate(js.split("\n"), 1):
        code = line.split("//")[0] if line.lstrip().startswith("//") else line
        if code.count("`") % 2:
            fail(f"line {n} of the glue has an odd number of backquotes")
    lines = (line.strip(" \t") for line in js.split("\n"))
    return "\n".join(line for line in lines if line and not line.startswith("//")) + "\n"


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("drop-classes", "short-names"):
        fail("usage: wasm-glue.py drop-classes|short-names module_bg.wasm module.js [Class...]")
    module = Module(sys.argv[2])
    js = open(sys.argv[3], encoding="utf-8").read()
    if sys.argv[1] == "drop-classes":
        js = drop_classes(module, js, sys.argv[4:])
    else:
        js = compact(short(module, js))
    module.write()
    open(sys.argv[3], "w", encoding="utf-8").write(js)


main()
