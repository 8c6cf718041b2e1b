/*
 * The platform crate's C part: a few lines of C that every target compiles,
 * so that the template's own CI proves a C compiler works for each of them.
 * Crates such as zstd-sys, libsqlite3-sys or ring compile C the same way,
 * through the cc crate in a build script.
 *
 * It describes the compiler that built it and two things C leaves to the
 * platform: the width of `long` (64 bits on 64-bit Linux and macOS, 32 on
 * Windows and on 32-bit targets) and the byte order (big-endian on IBM Z,
 * s390x, little-endian on the rest). snprintf comes from the target's C
 * library, so linking proves that too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* zig's clang defines __GNUC__ too, so clang is asked first. */
#if defined(__clang__)
#define COMPILER "clang"
#define MAJOR __clang_major__
#define MINOR __clang_minor__
#define PATCH __clang_patchlevel__
#elif defined(__GNUC__)
#define COMPILER "gcc"
#define MAJOR __GNUC__
#define MINOR __GNUC_MINOR__
#define PATCH __GNUC_PATCHLEVEL__
#else
#define COMPILER "cc"
#define MAJOR 0
#define MINOR 0
#define PATCH 0
#endif

/*
 * Helpers, as real C libraries have them: one file-local (static), and one
 * hidden in another file (helpers.c) whose address is taken, as a
 * library's dispatch tables take them (zstd's HUF_compress*_repeat are
 * such). The linker leaves local symbols for them, which a release must not
 * carry (`strip = true`), so the release checks meet them on every target.
 * Reading through volatiles keeps any compiler from folding the calls away.
 */
unsigned platform_c_bits_in(size_t bytes);

static volatile size_t long_size = sizeof(long);

static __attribute__((noinline)) unsigned bits_of_long(void)
{
    unsigned (*volatile bits_in)(size_t) = platform_c_bits_in;
    return bits_in(long_size);
}

/* The width of C's `long` in bits: 64 on 64-bit Unix, 32 on Windows. */
unsigned platform_c_long_bits(void)
{
    return bits_of_long();
}

/*
 * The byte order, found the way code that reads binary formats must find
 * it: from the first byte in memory of a 32-bit 1. A compile-time guess
 * (say, "x86 and Arm are little-endian, so everything is") is the kind of
 * mistake only a big-endian target's tests catch.
 */
static volatile uint32_t one = 1;

const char *platform_c_byte_order(void)
{
    uint32_t value = one;
    unsigned char first;
    memcpy(&first, &value, 1);
    return first == 1 ? "little-endian" : "big-endian";
}

/* Writes "<compiler> <version>; long is <n> bits; <byte order>" into
 * `out`, like snprintf. */
int platform_c_describe(char *out, size_t size)
{
    return snprintf(out, size, "%s %d.%d.%d; long is %u bits; %s", COMPILER,
                    MAJOR, MINOR, PATCH, platform_c_long_bits(),
                    platform_c_byte_order());
}
