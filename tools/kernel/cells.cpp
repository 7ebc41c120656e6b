// Cell rewriting for clang::Interpreter 16 (cells.hpp): a small scanner that knows C++'s comments,
// string and character literals (raw strings included) and brackets, enough to find top-level
// statements.
#include "cells.hpp"

#include <cctype>
#include <string_view>
#include <vector>

namespace xjax::kernel {

namespace {

bool is_ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Skips a comment, string or character literal starting at i; returns the index after it, or i
// when there is none there. `open` is set when the text ends inside it.
std::size_t skip_token(const std::string& s, std::size_t i, bool& open) {
  open = false;
  const std::size_t n = s.size();
  if (s.compare(i, 2, "//") == 0) {
    std::size_t e = s.find('\n', i);
    return e == std::string::npos ? n : e;
  }
  if (s.compare(i, 2, "/*") == 0) {
    std::size_t e = s.find("*/", i + 2);
    if (e == std::string::npos) {
      open = true;
      return n;
    }
    return e + 2;
  }
  if (s[i] == 'R' && i + 1 < n && s[i + 1] == '"' && (i == 0 || !is_ident(s[i - 1]))) {  // R"delim( ... )delim"
    std::size_t paren = s.find('(', i + 2);
    if (paren == std::string::npos) {
      open = true;
      return n;
    }
    std::string close(1, ')');
    close.append(s, i + 2, paren - i - 2);
    close += '"';
    std::size_t e = s.find(close, paren);
    if (e == std::string::npos) {
      open = true;
      return n;
    }
    return e + close.size();
  }
  if (s[i] == '"' || (s[i] == '\'' && (i == 0 || !std::isxdigit(static_cast<unsigned char>(s[i - 1]))))) {
    const char quote = s[i];  // (a ' after a hex digit is a digit separator: 1'000)
    for (std::size_t j = i + 1; j < n; ++j) {
      if (s[j] == '\\') ++j;
      else if (s[j] == quote) return j + 1;
      else if (s[j] == '\n') return j;  // unterminated on its line: the compiler will say so
    }
    open = true;
    return n;
  }
  return i;
}

// Skips blanks and comments.
std::size_t skip_space(const std::string& s, std::size_t i) {
  while (i < s.size()) {
    if (std::isspace(static_cast<unsigned char>(s[i]))) {
      ++i;
      continue;
    }
    bool open = false;
    std::size_t j = (s.compare(i, 2, "//") == 0 || s.compare(i, 2, "/*") == 0) ? skip_token(s, i, open) : i;
    if (j == i) break;
    i = j;
  }
  return i;
}

std::string_view word_at(const std::string& s, std::size_t i) {
  std::size_t e = i;
  while (e < s.size() && is_ident(s[e])) ++e;
  return std::string_view(s).substr(i, e - i);
}

bool is_statement_keyword(std::string_view w) {
  return w == "try" || w == "for" || w == "while" || w == "do" || w == "if" || w == "switch";
}

// The end of the statement starting at i (a control statement): after its last ';' or '}' at
// depth 0 that no else, catch or while (of a do) continues.
std::size_t statement_end(const std::string& s, std::size_t i) {
  int depth = 0;
  const bool is_do = word_at(s, i) == "do";
  bool do_body_done = false;
  while (i < s.size()) {
    bool open = false;
    std::size_t j = skip_token(s, i, open);
    if (j != i) {
      i = j;
      continue;
    }
    const char c = s[i++];
    if (c == '(' || c == '[' || c == '{') ++depth;
    else if (c == ')' || c == ']' || c == '}') --depth;
    if (depth == 0 && (c == ';' || c == '}')) {
      std::size_t k = skip_space(s, i);
      std::string_view next = word_at(s, k);
      if (next == "else" || next == "catch") continue;
      if (is_do && !do_body_done && next == "while") {
        do_body_done = true;
        continue;
      }
      return i;
    }
  }
  return s.size();
}

}  // namespace

std::string rewrite_cell(const std::string& code, int& counter) {
  std::string s;
  // xeus-cling's directives: empty lines (their line keeps its number).
  for (std::size_t start = 0; start < code.size();) {
    std::size_t end = code.find('\n', start);
    if (end == std::string::npos) end = code.size();
    std::string line = code.substr(start, end - start);
    std::size_t first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line.compare(first, 13, "#pragma cling") == 0) line.clear();
    s += line;
    if (end < code.size()) s += '\n';
    start = end + 1;
  }
  std::string out;
  std::size_t i = 0;
  int depth = 0;
  bool at_start = true;  // at the start of a top-level declaration or statement
  std::size_t chunk_start = 0, code_end = 0;  // in `out`: the current chunk, and the end of its code
  while (i < s.size()) {
    if (at_start && depth == 0) {
      std::size_t k = skip_space(s, i);
      out.append(s, i, k - i);
      i = k;
      if (i >= s.size()) break;
      if (s[i] == '#') {  // a preprocessor line
        std::size_t e = s.find('\n', i);
        e = e == std::string::npos ? s.size() : e;
        out.append(s, i, e - i);
        i = e;
        continue;
      }
      if (is_statement_keyword(word_at(s, i))) {
        std::size_t e = statement_end(s, i);
        const std::string n = std::to_string(counter++);
        out += "void __xjax_statement_" + n + "() { " + s.substr(i, e - i) + " } int __xjax_ran_" + n +
               " = (__xjax_statement_" + n + "(), 0);";
        i = e;
        continue;
      }
      at_start = false;
      chunk_start = out.size();
    }
    bool open = false;
    std::size_t j = skip_token(s, i, open);
    if (j != i) {
      const bool comment = s[i] == '/';
      out.append(s, i, j - i);
      if (!comment) code_end = out.size();
      i = j;
      continue;
    }
    const char c = s[i++];
    out += c;
    if (!std::isspace(static_cast<unsigned char>(c))) code_end = out.size();
    if (c == '(' || c == '[' || c == '{') ++depth;
    else if (c == ')' || c == ']' || c == '}') --depth;
    if (depth == 0 && (c == ';' || c == '}')) at_start = true;
  }
  if (!at_start && depth == 0 && code_end > chunk_start)  // a last expression without ';' is shown
    out = out.substr(0, chunk_start) + "xjax::display(" + out.substr(chunk_start, code_end - chunk_start) + ");" +
          out.substr(code_end);
  return out;
}

std::string completeness(const std::string& code) {
  std::vector<char> stack;
  for (std::size_t i = 0; i < code.size();) {
    bool open = false;
    std::size_t j = skip_token(code, i, open);
    if (open) return "incomplete";
    if (j != i) {
      i = j;
      continue;
    }
    const char c = code[i++];
    if (c == '(' || c == '[' || c == '{') {
      stack.push_back(c);
    } else if (c == ')' || c == ']' || c == '}') {
      const char want = c == ')' ? '(' : c == ']' ? '[' : '{';
      if (stack.empty() || stack.back() != want) return "invalid";
      stack.pop_back();
    }
  }
  return stack.empty() ? "complete" : "incomplete";
}

}  // namespace xjax::kernel
