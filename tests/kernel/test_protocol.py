#!/usr/bin/env python3
"""Drives xjax-kernel over the Jupyter protocol (jupyter_client): compile errors, exceptions, state
and lambdas across cells, top-level statements, completion, inspection, interrupt and restart.
The kernelspec `xjax` is found through JUPYTER_PATH. Exits 1 on the first failed check."""
import sys
import threading
import time

from jupyter_client.manager import start_new_kernel

FAILURES = []


def check(condition, what):
    print(("ok:   " if condition else "FAIL: ") + what)
    if not condition:
        FAILURES.append(what)


class Kernel:
    def __init__(self):
        self.manager, self.client = start_new_kernel(kernel_name="xjax", startup_timeout=180)

    def run(self, code, timeout=300):
        """The reply's status and the cell's outputs: (kind, content) pairs, streams joined."""
        msg_id = self.client.execute(code)
        outputs = []
        while True:
            msg = self.client.get_iopub_msg(timeout=timeout)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content["execution_state"] == "idle":
                break
            if kind == "stream" and outputs and outputs[-1][0] == "stream" and outputs[-1][1]["name"] == content["name"]:
                outputs[-1][1]["text"] += content["text"]
            elif kind in ("stream", "error", "display_data", "execute_result"):
                outputs.append((kind, content))
        while True:
            reply = self.client.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"], outputs

    def stdout(self, code):
        reply, outputs = self.run(code)
        return "".join(c["text"] for k, c in outputs if k == "stream" and c["name"] == "stdout"), reply

    def stop(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def main():
    k = Kernel()
    try:
        out, reply = k.stdout('#pragma cling add_include_path("/nowhere")\n#pragma cling load("/nowhere/libxjax.so")\n'
                              'xj::Array x = xj::array({1.f, 2.f, 3.f});\nstd::cout << x * 2.0 << "\\n";')
        check(reply["status"] == "ok" and out == "[2. 4. 6.]\n", "a cell runs (xeus-cling's pragmas are no-ops): " + repr(out))

        out, reply = k.stdout('std::printf("printf %d\\n", 7);\nstd::puts("puts");')
        check(out == "printf 7\nputs\n", "printf and puts reach the notebook: " + repr(out))

        reply, outputs = k.run("int broken = undeclared_name;")
        errors = [c for kind, c in outputs if kind == "error"]
        check(reply["status"] == "error" and reply["ename"] == "CompileError", "a compile error is the cell's error")
        check(bool(errors) and "undeclared_name" in errors[0]["evalue"] and any("error:" in l for l in errors[0]["traceback"]),
              "with clang's diagnostic: " + repr(errors[0]["evalue"] if errors else None))

        reply, outputs = k.run("auto bad = x + xj::array({1.f, 2.f});")
        check(reply["status"] == "error" and reply["ename"] == "xjax::ShapeError" and "[add]" in reply["evalue"],
              "an xjax::Error escaping a cell is reported with its type and message: " + repr((reply.get("ename"), reply.get("evalue"))))

        k.run("int counter = 41;")
        out, _ = k.stdout("std::cout << counter + 1 << std::endl;")
        check(out == "42\n", "state is kept across cells, errors included: " + repr(out))

        k.run("auto twice = [](int v) { return 2 * v; };\nauto square = xj::jit([](const xj::Array& a) { return a * a; });")
        out, reply = k.stdout("std::cout << twice(21) << ' ' << square(x) << std::endl;")
        check(out == "42 [1. 4. 9.]\n", "lambdas defined in one cell are called in the next: " + repr((out, reply.get("evalue"))))

        out, _ = k.stdout('try {\n  throw std::runtime_error("thrown");\n} catch (const std::exception& e) {\n'
                          '  std::cout << "caught " << e.what() << std::endl;\n}\nfor (int i = 0; i < 3; ++i) std::cout << i;\n'
                          'std::cout << std::endl;')
        check(out == "caught thrown\n012\n", "top-level try and for statements run: " + repr(out))

        reply, outputs = k.run('std::cout << "before\\n";\nxj::display(x);\nx * 2.0  // shown: no semicolon')
        displays = [c["data"] for kind, c in outputs if kind == "display_data"]
        check([kind for kind, _ in outputs] == ["stream", "display_data", "display_data"],
              "xj::display and a last expression show rich output, after the text before them: " + repr([kind for kind, _ in outputs]))
        check(len(displays) == 2 and "<table" in displays[0].get("text/html", "") and displays[1].get("text/plain") == "[2. 4. 6.]",
              "an array shows as text/plain and text/html")
        reply, outputs = k.run("xj::plot::line(xj::array({3.0, 2.0, 1.5}), {.title = \"loss\"})")
        check(any("image/svg+xml" in c["data"] for kind, c in outputs if kind == "display_data"), "plot::line shows an SVG")

        reply = k.client.complete("xj::ara", 7, reply=True)["content"]
        check("arange" in reply["matches"] and reply["cursor_start"] == 4, "complete_request: xj::ara -> " + repr(reply["matches"][:5]))
        reply = k.client.complete("std::cout << coun", 17, reply=True)["content"]
        check("counter" in reply["matches"], "complete_request: a name from an earlier cell -> " + repr(reply["matches"][:5]))
        reply = k.client.complete("x.ast", 5, reply=True)["content"]
        check(reply["matches"] == ["astype"] and reply["cursor_start"] == 2, "complete_request: members after a dot -> " + repr(reply["matches"]))
        reply = k.client.inspect("xj::arange(3)", 6, reply=True)["content"]
        check(reply["found"] and "arange" in reply["data"]["text/plain"], "inspect_request shows the declarations")
        msg_id = k.client.is_complete("int f() {")
        reply = k.client.get_shell_msg(timeout=60)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = k.client.get_shell_msg(timeout=60)
        reply = reply["content"]
        check(reply["status"] == "incomplete", "is_complete_request: an open brace is incomplete")

        forever = ("auto forever = xj::jit([](const xj::Array& v) {\n"
                   "  return xj::while_loop([](const xj::Array& c) { return c > -1.0; },\n"
                   "                        [](const xj::Array& c) { return c * 0.5 + 1.0; }, v);\n});\n"
                   "std::cout << forever(xj::array(1.0)) << std::endl;")
        timer = threading.Timer(3.0, k.manager.interrupt_kernel)
        timer.start()
        start = time.time()
        reply, _ = k.run(forever)
        timer.join()
        check(reply["status"] == "error" and reply["ename"] == "xjax::InterruptedError",
              "interrupt stops a jitted infinite loop: " + repr((reply.get("ename"), round(time.time() - start, 1))))
        out, _ = k.stdout("std::cout << counter << std::endl;")
        check(out == "41\n", "the kernel keeps its state after an interrupt")

        k.manager.restart_kernel(now=True)
        k.client.wait_for_ready(timeout=180)
        reply, _ = k.run("std::cout << counter << std::endl;")
        check(reply["status"] == "error" and reply["ename"] == "CompileError", "restart starts from an empty session")
        out, _ = k.stdout("std::cout << xj::arange(3) << std::endl;")
        check(out == "[0 1 2]\n", "and runs cells after it: " + repr(out))
    finally:
        k.stop()
    if FAILURES:
        print("{} check(s) failed".format(len(FAILURES)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
