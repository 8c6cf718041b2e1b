"""Runs a WASI command module: run.py PROGRAM.wasm [ARGS...].

The program sees its arguments, environment, standard streams and the
current directory (preopened as "."), and its exit code becomes ours.
"""

import sys

import wasmtime


def main() -> int:
    if len(sys.argv) < 2:
        print("usage: run.py PROGRAM.wasm [ARGS...]", file=sys.stderr)
        return 2
    engine = wasmtime.Engine()
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    wasi.argv = sys.argv[1:]
    wasi.inherit_env()
    wasi.inherit_stdin()
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    wasi.preopen_dir(".", ".")
    store.set_wasi(wasi)
    module = wasmtime.Module.from_file(engine, sys.argv[1])
    instance = linker.instantiate(store, module)
    try:
        instance.exports(store)["_start"](store)
    except wasmtime.ExitTrap as exit:
        return exit.code
    except wasmtime.Trap as trap:
        # A panic in a wasm32-wasip1 program aborts, which traps.
        print(f"wasm trap: {trap}", file=sys.stderr)
        return 134
    return 0


if __name__ == "__main__":
    sys.exit(main())
