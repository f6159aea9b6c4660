package queue

import "reflect"

// hasPointers reports whether a value of type t can hold a reference the
// garbage collector follows: a pointer, a string, slice, map, channel,
// function or interface, or an array or struct with such an element or
// field. A queue zeroes a slot it has emptied only if its element type has
// pointers; for any other type the stale bits keep nothing alive, and not
// writing them spares a pop a store to a line the producers use.
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Uintptr, reflect.Float32, reflect.Float64,
		reflect.Complex64, reflect.Complex128:
		return false
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	default:
		// Pointer, UnsafePointer, String, Slice, Map, Chan, Func,
		// Interface: all hold references. (Uintptr above does not: the
		// collector does not follow it.)
		return true
	}
}
