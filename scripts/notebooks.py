#!/usr/bin/python3
"""Executes the notebooks headlessly with the tslab kernel and exports them to HTML.

Usage: /usr/bin/python3 scripts/notebooks.py [--with-code] [--out DIR] [--jobs N] [--timeout S]
                                             [--json FILE] [notebooks/NAME.ipynb ...]

- Every notebook (default: notebooks/*.ipynb) runs in a fresh tslab kernel whose working directory is the
  project root, so cells can `import ... from './src/index'`. The kernel is scripts/tslab-kernel.cjs (tslab
  with the project's strict compiler options), registered as `tslab` in .jupyter/strict/, in front of the
  project's .jupyter/ on JUPYTER_PATH. The committed .ipynb files are never modified.
- A notebook may list notebooks it reuses the output of in its metadata (`"canarylab": {"after": ["01-run"]}`):
  it starts after them when they are part of the same invocation. Independent notebooks run in parallel
  (--jobs, default 2).
- Each executed notebook is exported to <out>/<name>.html (default reports/notebooks/), code hidden unless
  --with-code, with no script loaded from the network.
- On a failing cell: prints the notebook, the cell index, the cell's source and its real error (tslab
  reports compile and runtime errors on the cell's stderr, not in the reply), and exits with status 1.

Needs Debian's Jupyter packages (jupyter-nbconvert, python3-nbclient, python3-ipykernel): run it with
/usr/bin/python3, not a pyenv shim.
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL = "tslab"
COMPILE_LINE = re.compile(r"^(\S+ )?\d+:\d+ - ")
RUNTIME_LINE = re.compile(r"^(?:Uncaught )?([A-Za-z_$][\w$]*(?:Error|Exception)|Error)(?: \[[\w_]+\])?: (.*)$")

# The nbconvert 'lab' page without require.js and MathJax from a CDN: the export opens offline.
TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
"""


STRICT_KERNEL_DIR = os.path.join(ROOT, ".jupyter", "strict", "share", "jupyter")


def register_strict_kernel():
    """Writes the `tslab` kernelspec that starts scripts/tslab-kernel.cjs (tslab with the project's strict
    compiler options) into .jupyter/strict/, which jupyter_env() puts in front of `npm run setup`'s."""
    node = shutil.which("node") or "node"
    spec_dir = os.path.join(STRICT_KERNEL_DIR, "kernels", KERNEL)
    os.makedirs(spec_dir, exist_ok=True)
    spec = {
        "argv": [node, os.path.join(ROOT, "scripts", "tslab-kernel.cjs"), "kernel", "--config-path", "{connection_file}"],
        "display_name": "TypeScript",
        "language": "typescript",
    }
    path = os.path.join(spec_dir, "kernel.json")
    text = json.dumps(spec, indent=1)
    if not os.path.isfile(path) or open(path, encoding="utf-8").read() != text:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def jupyter_env():
    paths = [STRICT_KERNEL_DIR, os.path.join(ROOT, ".jupyter", "share", "jupyter")]
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(paths + ([old] if old else []))


def check_setup():
    try:
        import nbclient  # noqa: F401
        import nbconvert  # noqa: F401
        import nbformat  # noqa: F401
    except ImportError as e:
        return f"Jupyter is not installed for {sys.executable} ({e}); run `npm run setup` (Debian packages jupyter-nbconvert python3-nbclient python3-ipykernel)"
    if not os.path.isfile(os.path.join(ROOT, "node_modules", "tslab", "dist", "main.js")):
        return "tslab is not installed (node_modules/tslab missing); run `npm run setup`"
    return None


def error_of(cell):
    """The real error of a failed cell: an `error` output if the kernel sent one, else its stderr text."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return {
                "ename": out.get("ename", "Error"),
                "evalue": out.get("evalue", ""),
                "traceback": "\n".join(out.get("traceback", [])),
            }
    stderr = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr")
    stderr = stderr.strip()
    if not stderr:
        return {"ename": "Error", "evalue": "the cell failed without printing an error", "traceback": ""}
    lines = stderr.splitlines()
    # tslab prints a compile error as "[file ]<line>:<col> - message" lines, and a runtime error as
    # "evalmachine...:line\n<code>\n^\n\nTypeError: message\n    at ..." (or "Uncaught ..." for a rejection).
    compile_errors = [ln for ln in lines if COMPILE_LINE.match(ln)]
    if compile_errors:
        ename, evalue = "CompileError", "; ".join(compile_errors[:5])
    else:
        ename, evalue = "Error", lines[0]
        for ln in lines:
            m = RUNTIME_LINE.match(ln.strip())
            if m:
                ename, evalue = m.group(1), m.group(2)
                break
    return {"ename": ename, "evalue": evalue, "traceback": stderr}


def export_html(nb, name, out_dir, with_code):
    import jinja2
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[jinja2.DictLoader({"canarylab.html.j2": TEMPLATE})],
        template_file="canarylab.html.j2",
        exclude_input=not with_code,
        exclude_input_prompt=not with_code,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name + ".html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(body)
    return path


def run_one(path, out_dir, with_code, timeout):
    """Executes one notebook cell by cell; returns a JSON-able result (runs in a worker process)."""
    import nbformat
    from nbclient import NotebookClient

    jupyter_env()
    name = os.path.splitext(os.path.basename(path))[0]
    started = time.time()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=KERNEL,
        resources={"metadata": {"path": ROOT}},
        allow_errors=False,
        record_timing=False,
    )
    result = {"notebook": os.path.relpath(path, ROOT), "name": name, "ok": True}
    failed = None
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            try:
                client.execute_cell(cell, index)
            except Exception as e:  # CellExecutionError, CellTimeoutError, DeadKernelError
                failed = (index, cell, e)
                break
    result["seconds"] = round(time.time() - started, 2)
    if failed:
        index, cell, e = failed
        err = error_of(cell)
        if type(e).__name__ in ("CellTimeoutError", "DeadKernelError"):
            err = {"ename": type(e).__name__, "evalue": str(e).strip().splitlines()[0] if str(e).strip() else "", "traceback": err["traceback"]}
        result.update(ok=False, cell=index, source=cell.source, **err)
    # Export even a failed notebook: the HTML shows where it stopped.
    result["html"] = os.path.relpath(export_html(nb, name, out_dir, with_code), ROOT)
    return result


def order_of(paths):
    """Each notebook's prerequisites among `paths`, from metadata.canarylab.after."""
    import nbformat

    names = {os.path.splitext(os.path.basename(p))[0]: p for p in paths}
    deps = {}
    for p in paths:
        meta = nbformat.read(p, as_version=4).metadata.get("canarylab", {})
        deps[p] = [names[a] for a in meta.get("after", []) if a in names]
    return deps


def main(argv):
    ap = argparse.ArgumentParser(description="Execute the notebooks headlessly and export them to HTML.")
    ap.add_argument("notebooks", nargs="*", help="default: notebooks/*.ipynb")
    ap.add_argument("--with-code", action="store_true", help="keep the code cells in the HTML")
    ap.add_argument("--out", default=os.path.join(ROOT, "reports", "notebooks"), help="HTML folder")
    ap.add_argument("--jobs", type=int, default=2, help="notebooks run at once (default 2)")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    ap.add_argument("--json", help="also write the results as JSON to this file")
    args = ap.parse_args(argv)

    problem = check_setup()
    if problem:
        print(f"notebooks: {problem}", file=sys.stderr)
        return 2
    paths = [os.path.abspath(p) for p in args.notebooks] or sorted(
        os.path.join(ROOT, "notebooks", f) for f in os.listdir(os.path.join(ROOT, "notebooks")) if f.endswith(".ipynb")
    )
    for p in paths:
        if not os.path.isfile(p):
            print(f"notebooks: {p}: no such notebook", file=sys.stderr)
            return 2
    if not paths:
        print("notebooks: no notebooks found", file=sys.stderr)
        return 2
    register_strict_kernel()
    deps = order_of(paths)
    out_dir = os.path.abspath(args.out)
    started = time.time()
    results = {}
    pending = list(paths)
    running = {}
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        while pending or running:
            for p in list(pending):
                if len(running) >= max(1, args.jobs):
                    break
                if all(d in results for d in deps[p]):
                    pending.remove(p)
                    running[pool.submit(run_one, p, out_dir, args.with_code, args.timeout)] = p
            done, _ = concurrent.futures.wait(list(running), return_when=concurrent.futures.FIRST_COMPLETED)
            for fut in done:
                p = running.pop(fut)
                try:
                    r = fut.result()
                except Exception as e:  # the kernel did not start, nbformat could not read the file, ...
                    r = {"notebook": os.path.relpath(p, ROOT), "ok": False, "cell": None, "ename": type(e).__name__, "evalue": str(e), "traceback": ""}
                results[p] = r
                if r["ok"]:
                    print(f"ok    {r['notebook']} ({r['seconds']} s) -> {r['html']}", flush=True)
                else:
                    where = f"cell {r['cell']}" if r.get("cell") is not None else "before the first cell"
                    print(f"FAIL  {r['notebook']}: {where}: {r['ename']}: {r['evalue']}", file=sys.stderr, flush=True)
                    if r.get("source"):
                        print("----- cell source -----\n" + r["source"].rstrip(), file=sys.stderr)
                    if r.get("traceback"):
                        print("----- error -----\n" + r["traceback"].rstrip(), file=sys.stderr)
                    print("-----", file=sys.stderr, flush=True)
    total = round(time.time() - started, 2)
    ordered = [results[p] for p in paths]
    failed = [r for r in ordered if not r["ok"]]
    print(f"{len(ordered) - len(failed)}/{len(ordered)} notebooks ran in {total} s; HTML in {os.path.relpath(out_dir, ROOT)}/", flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"seconds": total, "results": ordered}, f, indent=2)
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--register-kernel"]:  # used by scripts/lab.sh
        register_strict_kernel()
        print(STRICT_KERNEL_DIR)
        sys.exit(0)
    sys.exit(main(sys.argv[1:]))
