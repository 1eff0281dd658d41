package payload

import (
	"fmt"
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
		f = reflect.NewAt(f.Type(), f.Addr().UnsafePointer()).Elem() // settable, if unexported too
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
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Array: // fieldAt
			for k := range f.Len() {
				f.Index(k).SetUint(uint64(i + k))
			}
		default:
			t.Fatalf("Record.%s: a %s; teach this test to set it", v.Type().Field(i).Name, f.Kind())
		}
	}
	var dst Record
	src.CopyTo(&dst)
	if d := cmp.Diff(src, dst, cmp.AllowUnexported(Record{})); d != "" {
		t.Fatalf("CopyTo (-src +dst):\n%s", d)
	}
}

// checkFieldIndex fails t unless Field finds, for every canonical name and a few others, the
// field a search by name finds: the readers' index (Record.fieldAt) agrees with Fields.
func checkFieldIndex(t testing.TB, r *Record) {
	t.Helper()
	for _, name := range append(canonicalNames[:], "", "Email", "emails", "name") {
		var want *Field
		for i := range r.Fields {
			if r.Fields[i].Name == name {
				want = &r.Fields[i]
				break
			}
		}
		if got, ok := r.Field(name); got != want || ok != (want != nil) {
			t.Fatalf("Field(%q) = %p, %v; the field of that name is %p (fields %v)", name, got, ok, want, r.Fields)
		}
	}
}

// TestFieldIndex: Field finds what a search by name finds, in a record indexed as the readers
// index theirs (a name twice, fields past the 255th) and in one that is not indexed.
func TestFieldIndex(t *testing.T) {
	named := func(names ...string) *Record {
		r := &Record{}
		for _, n := range names {
			r.Fields = append(r.Fields, Field{Name: n})
		}
		return r
	}
	many := make([]string, 300)
	for i := range many {
		many[i] = fmt.Sprint("col", i)
	}
	for _, r := range []*Record{
		named(),
		named(FieldEmail, FieldIntegrationID, FieldIdentity),
		named(FieldCloudID, "x", FieldEmail, FieldApplicationType, FieldEmail, FieldCloudID),
		named(append(many[:], FieldEmail, FieldIdentity)...), // past the 255th: searched
		named(append([]string{FieldIdentity}, append(many, FieldEmail)...)...),
		named(append(many[:200:200], FieldCloudID)...),
	} {
		checkFieldIndex(t, r) // not indexed
		r.indexFields()
		checkFieldIndex(t, r)
		if len(r.Fields) > 256 && r.indexed {
			t.Errorf("a record with a canonical field past the 255th is indexed")
		}
	}
}
