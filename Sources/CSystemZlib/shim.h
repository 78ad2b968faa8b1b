// zlib (Debian's zlib1g-dev): raw deflate and CRC-32 for the XLSX export's ZIP archive.
#include <zlib.h>
