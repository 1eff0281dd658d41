package payload

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCopyTo: CopyTo copies every member of a Record, so a member added to Record must be
// added to CopyTo too (and to the readers, which set members one by one).
func TestCopyTo(t *testing.T) {
	var src Record
	v := reflect.ValueOf(&src).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Int:
			f.SetInt(int64(i + 1))
		case reflect.Uint8:
			f.SetUint(uint64(i + 1))
		case reflect.String:
			f.SetString("raw")
		case reflect.Slice:
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
		case reflect.Struct: // Pos
			f.Field(0).SetInt(int64(i + 1))
			f.Field(1).SetInt(int64(i + 2))
		default:
			t.Fatalf("Record.%s: a %s; teach this test to set it", v.Type().Field(i).Name, f.Kind())
		}
	}
	var dst Record
	src.CopyTo(&dst)
	if d := cmp.Diff(src, dst); d != "" {
		t.Fatalf("CopyTo (-src +dst):\n%s", d)
	}
}
