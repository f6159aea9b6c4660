//go:build !race

package epoch

// markReused does nothing outside the race detector (see pool_race.go).
func markReused[T any](*T) {}
