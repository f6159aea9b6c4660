// Package typeinfo answers questions about a type parameter's layout that
// the structures decide once, at construction, with reflect.
package typeinfo

import "reflect"

// HasPointers reports whether a value of type t can hold a reference the
// garbage collector follows: a pointer, a string, slice, map, channel,
// function or interface, or an array or struct with such an element or
// field. (A uintptr is not one: the collector does not follow it.)
//
// atomicx.Cell stores a small pointer-free value in one atomic word;
// queue.Bounded zeroes a slot it has emptied only if its element type has
// pointers, since for any other type the stale bits keep nothing alive.
func HasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.UnsafePointer, reflect.Map, reflect.Chan, reflect.Func,
		reflect.Interface, reflect.Slice, reflect.String:
		return true
	case reflect.Array:
		return t.Len() > 0 && HasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if HasPointers(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}
