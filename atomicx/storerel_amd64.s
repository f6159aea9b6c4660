//go:build !race

#include "textflag.h"

// func storeRelease64(addr *uint64, val uint64)
TEXT ·storeRelease64(SB), NOSPLIT, $0-16
	MOVQ	addr+0(FP), AX
	MOVQ	val+8(FP), BX
	MOVQ	BX, 0(AX)
	RET
