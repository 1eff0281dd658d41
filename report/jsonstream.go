package report

import (
	"bufio"
	"bytes"
	"encoding/json"
)

// An objectWriter writes a JSON object one member at a time, indented as json.Encoder with
// SetIndent(prefix, "  ") would, so that a report with 40,000 findings is written as it is
// encoded instead of being built whole in memory first. HTML characters are not escaped:
// messages quote addresses such as "<c@x.com>".
type objectWriter struct {
	w      *bufio.Writer
	indent string // the indent of the object's members
	n      int    // members written
	buf    bytes.Buffer
	out    []byte // buf, indented
	err    error
}

func newObject(w *bufio.Writer, depth int) *objectWriter {
	o := &objectWriter{w: w, indent: indentOf(depth + 1)}
	o.w.WriteString("{")
	return o
}

func indentOf(depth int) string {
	b := make([]byte, 2*depth)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}

// key starts a member: a separator, the indent and the quoted name.
func (o *objectWriter) key(name string) {
	if o.n > 0 {
		o.w.WriteString(",")
	}
	o.n++
	o.w.WriteString("\n" + o.indent)
	o.w.Write(o.encode(name, ""))
	o.w.WriteString(": ")
}

// field writes a member whose value is encoded in one piece.
func (o *objectWriter) field(name string, v any) {
	o.key(name)
	o.w.Write(o.encode(v, o.indent))
}

// array writes a member whose value is an array of n elements, encoding element i only when
// it is written.
func (o *objectWriter) array(name string, n int, elem func(i int) any) {
	o.key(name)
	if n == 0 {
		o.w.WriteString("[]")
		return
	}
	inner := o.indent + "  "
	o.w.WriteString("[")
	for i := range n {
		if i > 0 {
			o.w.WriteString(",")
		}
		o.w.WriteString("\n" + inner)
		o.w.Write(o.encode(elem(i), inner))
	}
	o.w.WriteString("\n" + o.indent + "]")
}

// close ends the object.
func (o *objectWriter) close() error {
	if o.n > 0 {
		o.w.WriteString("\n" + o.indent[:len(o.indent)-2])
	}
	o.w.WriteString("}")
	return o.err
}

// encode returns v as JSON, indented for a value that starts at indent; the result is valid
// until the next call.
func (o *objectWriter) encode(v any, indent string) []byte {
	o.buf.Reset()
	enc := json.NewEncoder(&o.buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil && o.err == nil {
		o.err = err
	}
	o.out = appendIndented(o.out[:0], bytes.TrimSuffix(o.buf.Bytes(), []byte("\n")), indent, "  ")
	return o.out
}

// appendIndented appends src, compact JSON as json.Encoder writes it, to dst, indented as
// json.Indent(dst, src, prefix, indent) would. json.Indent runs its general scanner, a call a
// byte, and took three quarters of the time of writing a SARIF report; compact JSON needs only
// its punctuation found, and its strings skipped. FuzzAppendIndented holds it to json.Indent.
func appendIndented(dst, src []byte, prefix, indent string) []byte {
	depth := 0
	open := false // after "{" or "[": indent before the next value, unless it closes them
	for i := 0; i < len(src); i++ {
		c := src[i]
		if open && c != '}' && c != ']' {
			open = false
			depth++
			dst = appendNewline(dst, prefix, indent, depth)
		}
		switch c {
		case '"':
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j, len(src)-1)
			dst = append(dst, src[i:j+1]...)
			i = j
		case '{', '[':
			open = true
			dst = append(dst, c)
		case ',':
			dst = appendNewline(append(dst, c), prefix, indent, depth)
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if open {
				open = false // an empty object or array stays "{}" or "[]"
			} else {
				depth--
				dst = appendNewline(dst, prefix, indent, depth)
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

func appendNewline(dst []byte, prefix, indent string, depth int) []byte {
	dst = append(dst, '\n')
	dst = append(dst, prefix...)
	for range depth {
		dst = append(dst, indent...)
	}
	return dst
}
