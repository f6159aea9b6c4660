package typeinfo_test

import (
	"reflect"
	"testing"

	"github.com/xbeam/xbeam/internal/typeinfo"
)

// has is HasPointers for the type argument.
func has[T any]() bool { return typeinfo.HasPointers(reflect.TypeFor[T]()) }

// TestHasPointers checks HasPointers on each kind of type.
func TestHasPointers(t *testing.T) {
	type flat struct {
		_ int32
		_ [3]float64
		_ struct{ _, _ uint8 }
	}
	type deep struct {
		_ int
		_ [2]struct{ _ string }
	}
	for _, c := range []struct {
		name string
		got  bool
		want bool
	}{
		{"uint64", has[uint64](), false},
		{"uintptr", has[uintptr](), false},
		{"complex128", has[complex128](), false},
		{"[4]int", has[[4]int](), false},
		{"[0]*int", has[[0]*int](), false},
		{"struct{}", has[struct{}](), false},
		{"flat struct", has[flat](), false},
		{"*int", has[*int](), true},
		{"string", has[string](), true},
		{"[]byte", has[[]byte](), true},
		{"map[int]int", has[map[int]int](), true},
		{"chan int", has[chan int](), true},
		{"func()", has[func()](), true},
		{"any", has[any](), true},
		{"error", has[error](), true},
		{"[1][2]*int", has[[1][2]*int](), true},
		{"struct with a nested string", has[deep](), true},
	} {
		if c.got != c.want {
			t.Errorf("HasPointers(%s) = %v, want %v", c.name, c.got, c.want)
		}
	}
}
