package payload

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/internal/ascii"
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
	// And Plain, which a reader sets only for a plain value.
	for f := range r.Cells() {
		if f.Plain && (f.Value == "" || !ascii.Plain(f.Value)) {
			t.Fatalf("field %q, %q: Plain, but it is not plain text", f.Name, f.Value)
		}
	}
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
// index theirs (a name twice, canonical fields at the last indexes an index can hold and past
// them), in one that is not indexed, and in one whose Fields a handler changed after.
func TestFieldIndex(t *testing.T) {
	named := func(names ...string) *Record {
		r := &Record{}
		for _, n := range names {
			r.Fields = append(r.Fields, Field{Name: n})
		}
		return r
	}
	cols := func(n int, more ...string) []string { // n other columns, then more
		names := make([]string, n)
		for i := range names {
			names[i] = fmt.Sprint("col", i)
		}
		return append(names, more...)
	}
	for _, r := range []*Record{
		named(),
		named(FieldEmail, FieldIntegrationID, FieldIdentity),
		named(FieldCloudID, "x", FieldEmail, FieldApplicationType, FieldEmail, FieldCloudID),
		named(cols(253, FieldEmail, FieldIdentity)...), // at 253 and 254: indexed
		named(cols(254, FieldEmail, FieldCloudID)...),  // at 254 and 255: searched
		named(cols(300, FieldEmail, FieldIdentity)...), // past the 255th: searched
		named(append([]string{FieldIdentity}, cols(300, FieldEmail)...)...),
		named(cols(200, FieldCloudID)...),
	} {
		checkFieldIndex(t, r) // not indexed
		r.indexFields()
		checkFieldIndex(t, r)
		if want := slices.IndexFunc(r.Fields, func(f Field) bool { return canonicalSlot(f.Name) >= 0 }) <= 254 &&
			!slices.ContainsFunc(r.Fields[min(len(r.Fields), 255):], func(f Field) bool { return canonicalSlot(f.Name) >= 0 }); (r.indexed > 0) != want {
			t.Errorf("%d fields: indexed %d, want indexed %v", len(r.Fields), r.indexed, want)
		}
		// What a handler may do with a record it got: Field must not trust the index then.
		if len(r.Fields) > 0 {
			c := *r
			c.Fields = c.Fields[1:]
			checkFieldIndex(t, &c)
			c = *r
			c.Fields = slices.Clone(c.Fields)
			slices.Reverse(c.Fields)
			checkFieldIndex(t, &c)
		}
	}
}

// BenchmarkFieldLookup: the rules look up a record's fields by name a dozen times a record.
func BenchmarkFieldLookup(b *testing.B) {
	r := Record{Fields: []Field{{Name: FieldEmail, Value: "a"}, {Name: FieldApplicationType, Value: "GITHUB"}, {Name: FieldCloudID, Value: "x"}}}
	r.indexFields()
	n := 0
	for b.Loop() {
		for range 4 {
			if f, ok := r.Field(FieldEmail); ok {
				n += len(f.Value)
			}
			if f, ok := r.Field(FieldApplicationType); ok {
				n += len(f.Value)
			}
			if _, ok := r.Field(FieldIdentity); ok {
				n++
			}
		}
	}
	_ = n
}
