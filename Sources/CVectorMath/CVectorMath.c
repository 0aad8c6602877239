// Header-only module: the functions are static inline in include/CVectorMath.h.
#include "CVectorMath.h"
