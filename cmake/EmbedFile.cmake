# cmake -DIN=file -DOUT=file.cpp -DSYMBOL=name -P EmbedFile.cmake: writes a C++ source defining
# xjax::native::<SYMBOL> (the bytes of IN) and <SYMBOL>_size.
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUT}"
  "// Generated from ${IN}; do not edit.\n"
  "#include <cstddef>\n"
  "namespace xjax::native {\n"
  "extern const unsigned char ${SYMBOL}[] = {${bytes}};\n"
  "extern const std::size_t ${SYMBOL}_size = sizeof(${SYMBOL});\n"
  "}  // namespace xjax::native\n")
