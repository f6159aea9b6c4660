//go:build !(amd64 || arm64)

package atomicx

// procYield busy-waits for about cycles iterations. Architectures without an
// assembly spin hint here get a plain loop.
func procYield(cycles uint32) {
	for i := uint32(0); i < cycles; i++ {
	}
}
