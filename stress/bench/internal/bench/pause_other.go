//go:build !amd64 && !arm64

package bench

// pause is a no-op where no spin-wait hint is defined.
func pause() {}
