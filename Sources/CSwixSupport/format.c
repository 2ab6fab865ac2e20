#include <stdio.h>
#include "swix_support.h"

int swix_format_g(char *buf, unsigned long size, double value) {
    return snprintf(buf, size, "%g", value);
}
