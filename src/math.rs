//! The browser's `Math` for the float functions the player's crates call
//! (`f64::sin`, `atan`, `exp`, `ln`, `log2`, `tanh` …), instead of the
//! libm that Rust links into a wasm module.
//!
//! On `wasm32-unknown-unknown`, `x.sin()` is a call to the C symbol `sin`,
//! which the standard library's `compiler_builtins` defines as a *weak*
//! symbol (a port of musl's libm, with its argument reduction and tables).
//! A strong definition of the same name wins at link time, so each function
//! here replaces libm's for the whole base module, the pure crates included,
//! without a change to their code (they stay host-tested with the host's
//! libm). What it saves: `docs/facts.md`, "The browser's Math instead of
//! libm". What it changes: results come from the browser's `Math` (V8 and
//! SpiderMonkey both use fdlibm's algorithms, as musl does for these), so
//! a value may differ from libm's in the last bit; nothing the player draws
//! or writes depends on that bit.
//!
//! **Invariant:** every function here has the C signature and meaning of the
//! libm function it names (`exp2` as `2^x`), and none is called by name: they
//! are reached only through the float methods. The functions the player does
//! not call (`pow`, `cbrt` …) are left to libm. `fmod` (Rust's `%` on `f64`)
//! is JavaScript's `%`, which means the same (`modules.rs`' snippet): libm's
//! brought 128-bit division along.
//!
//! Not in the other modules (story compiler, data readers, playback): they
//! keep libm (they are loaded only by the stories that use them).

use js_sys::Math;

macro_rules! from_math {
    ($($(#[$doc:meta])* $name:ident($($arg:ident),+) => $call:expr;)+) => {
        $(
            $(#[$doc])*
            #[allow(unsafe_code, reason = "a strong symbol that replaces libm's weak one (module docs); it reads no memory")]
            #[unsafe(no_mangle)]
            pub extern "C" fn $name($($arg: f64),+) -> f64 {
                $call
            }
        )+
    };
}

from_math! {
    /// `sin(x)`, radians.
    sin(x) => Math::sin(x);
    /// `cos(x)`, radians.
    cos(x) => Math::cos(x);
    /// `atan(x)`, radians.
    atan(x) => Math::atan(x);
    /// `atan2(y, x)`, radians.
    atan2(y, x) => Math::atan2(y, x);
    /// `e^x`.
    exp(x) => Math::exp(x);
    /// `e^x − 1`, exact near 0.
    expm1(x) => Math::expm1(x);
    /// `2^x`.
    exp2(x) => Math::pow(2.0, x);
    /// The natural logarithm.
    log(x) => Math::log(x);
    /// `ln(1 + x)`, exact near 0.
    log1p(x) => Math::log1p(x);
    /// The base-2 logarithm.
    log2(x) => Math::log2(x);
    /// The base-10 logarithm.
    log10(x) => Math::log10(x);
    /// `√(x² + y²)` without overflow.
    hypot(x, y) => Math::hypot(x, y);
    /// The hyperbolic sine.
    sinh(x) => Math::sinh(x);
    /// The hyperbolic cosine.
    cosh(x) => Math::cosh(x);
    /// The hyperbolic tangent.
    tanh(x) => Math::tanh(x);
    /// The inverse hyperbolic sine.
    asinh(x) => Math::asinh(x);
    /// The remainder of `x / y` with the sign of `x`, exact (`x % y`).
    fmod(x, y) => crate::modules::js_fmod(x, y);
}
