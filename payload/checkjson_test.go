package payload

import "io"

// checkJSON reads one JSON text (RFC 8259: one value, optionally surrounded by whitespace; no
// byte order mark) and returns its first syntax error, if any. It is the scanner of ReadJSON
// without the payload rules, for the JSONTestSuite corpus test and the fuzz targets.
func checkJSON(r io.Reader) (Diag, bool) {
	var d Diag
	var got bool
	h := Handler{Diag: func(x Diag) {
		if !got {
			d, got = x, true
		}
	}}
	p := newParser(r, h, defaultBufSize)
	c, ok := p.skipWS()
	if !ok {
		if p.ioErr == nil {
			p.failHere("unexpected end of input: expected a JSON value")
		}
	} else if p.parseValue(c, 1) {
		p.checkEnd()
	}
	return d, got
}
