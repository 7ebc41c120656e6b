// What the xjax kernel does to a cell's text before clang::Interpreter parses it, and how it tells
// a finished cell from one that needs more lines. Plain text processing, no clang.
#pragma once
#include <string>

namespace xjax::kernel {

// The cell as clang::Interpreter 16 runs it, line for line (diagnostics keep their line numbers):
// - `#pragma cling ...` lines (xeus-cling's include-path and load directives) become empty: the
//   kernel has xjax's headers on its path and its library loaded;
// - a statement at the top level that begins with try, for, while, do, if or switch (which the
//   interpreter cannot run at the top level: `try` crashes it) is wrapped in a function that runs
//   at once: `void __xjax_statement_N() { <statement> } int __xjax_ran_N = (__xjax_statement_N(), 0);`.
// - an expression ending the cell without a `;` is shown, as `xjax::display(<expression>);`.
// `counter` numbers the wrappers across cells.
std::string rewrite_cell(const std::string& code, int& counter);

// "complete", "incomplete" (an open bracket, string or comment) or "invalid" (a closing bracket
// without its opening one), as Jupyter's is_complete_request wants it.
std::string completeness(const std::string& code);

}  // namespace xjax::kernel
