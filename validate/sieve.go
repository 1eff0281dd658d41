package validate

import (
	"hash/maphash"
	"iter"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/idlint/idlint/internal/ascii"
	"github.com/idlint/idlint/payload"
)

// A keyKind is one of the keys by which set rules relate records. A set rule sees a record
// only in relation to the earlier records that share one of its keys (Rule.setKeys): that is
// what lets the sieve leave out the records whose keys occur once.
type keyKind uint8

const (
	keyNone              keyKind = iota
	keyAccount                   // an identity in an integration: whose account is it?
	keyDeveloper                 // a mailbox (email without case or +tag) in an integration
	keyLookAlike                 // an email's look: its confusable skeleton (see keyHasher)
	keyIdentityLookAlike         // an identity's look, in an integration
	numKeyKinds
)

// hash returns the record's key of kind k. scratch is a buffer reused between calls (only the
// look-alike keys need one; nil will do for the others). The set rules index their maps by
// these hashes too, so the sieve and the rules cannot disagree on what "the same key" means.
func (k keyKind) hash(m *mapping, scratch *[]byte) uint64 {
	h := keyHasher{m: m, scratch: scratch}
	return h.key(k)
}

// isLookAlike reports whether k relates texts that look alike.
func (k keyKind) isLookAlike() bool { return k == keyLookAlike || k == keyIdentityLookAlike }

// text returns the text whose look a look-alike key stands for.
func (k keyKind) text(m *mapping) string {
	if k == keyLookAlike {
		return m.emailKey
	}
	return m.identityKey
}

// sieve is the set stage. Set rules relate a record to the earlier records with the same key,
// and in an identity file almost every key occurs once: a key seen once can give no finding.
// So rather than index every key of the run in maps as records stream by, the sieve
//
//  1. logs each mapped record compactly while reading — its key hashes, where it is, its
//     email, integration and identity — and tests its keys against a Bloom filter of the keys
//     before it. A record with a key that may have been seen before is a suspect, and the sieve
//     keeps a full copy of it;
//  2. at the end of the run, replays the set rules, in input order, over the suspects and over
//     the logged records that share a key hash with one: every occurrence of every key seen
//     twice, and a few more that share only a hash. The rules run exactly as over the whole
//     run, because a record left out has keys that occur nowhere else in it: it would have been
//     the first and only record of each, and the rules report nothing for those.
//
// A logged record replayed without being a suspect is the first record of each of its keys,
// so it reports nothing either: it is replayed as a shadow rebuilt from the log, without its
// text. The Bloom filter's memory is a few bytes per key and its queries touch one cache line,
// where maps of every key cost a hundred bytes and several cache misses per record; the log
// costs 40 bytes a record. A shadow's email and identity are read again from its input, at the
// offsets the log holds, when the input is a file (or in memory) and has them as they are;
// else the log keeps copies of them (see reread.go). The replay checks that what it reads has
// the logged keys: an input that changed is reported (Result.Unread), not quoted wrong.
type sieve struct {
	kinds     []keyKind   // the keys of the enabled set rules, each once
	checks    []ruleCheck // the enabled set rules, in All's order
	checkKeys []uint8     // the bit of each check's key, by position in kinds

	filter   bloom // the key hashes logged so far, but look-alikes only once lookAlikesInFilter
	nonASCII bloom // the look-alike keys of non-ASCII texts: few, so it stays in cache
	log      chunked[logEntry]
	files    []fileStart // where each input's entries start, in order
	texts    texts       // the emails and identities of the log
	intern   map[integrationName]uint32
	names    []integrationName // by the log's integration index
	// recent holds 1 + the index of an integration found lately, in the slot its hash picks
	// (recordKeys.integration): a file has a handful of integrations, which a slot tells
	// apart with a comparison where the map needs a hash of the name.
	recent   [64]uint32
	suspects chunked[suspect]
	scratch  []byte
	warmth   uint64    // what warm loads, kept so that the compiler keeps the loads
	sources  []source  // how to read each input again, by Ref.File (see reread.go)
	rr       *rereader // the input being read again, if any
	// rrBroken is the input whose rereader failed, in the replay, where the scan reads the
	// shadows' texts (see textsOf).
	rrBroken *rereadFailure
	failed   []InputError // the inputs that could not be read again as they were
	// lostLookAlikes: a log entry's look-alike keys could not be computed, because its input
	// changed (see hashLookAlikes), so no look-alike group is known whole.
	lostLookAlikes bool
	// exactTexts: whether each non-ASCII look-alike text was a suspect the first time it came.
	exactTexts map[uint64]bool
	// lookAlikesInFilter: the filter holds the look-alike keys too, not only the others. Until
	// then, a non-ASCII look-alike text is taken for a suspect, untested; lazyLookAlikes counts
	// the texts so taken, repeats included (see lookAlikeSuspect).
	lookAlikesInFilter bool
	lazyLookAlikes     int
	maxLazy            int   // maxLazyLookAlikes, but for tests
	expected           int64 // the records expected in the run's files so far (see expect)

	// sawNonASCII: the look-alike kinds, a bit by position, of which a non-ASCII text was
	// logged; see recordKeys.unhashed.
	sawNonASCII atomic.Uint32

	// copyTexts makes the sieve copy the texts of every input, for tests of that path.
	copyTexts bool

	// everySuspect makes every record a suspect, so that the replay covers the whole run:
	// tests compare the two to prove the sieve leaves out nothing that matters.
	everySuspect bool

	// noReadAhead makes the replay read the shadows' texts itself, with one rereader, as it
	// did before its scan read them: tests compare the two.
	noReadAhead bool
}

// An integrationName is a mapping's integration as the log interns it.
type integrationName struct {
	name   string
	legacy bool
}

// A suspect is a full copy of a record with a key that may have been seen before.
type suspect struct {
	seq  int   // its log entry
	seen uint8 // the keys that may have been seen before, a bit by position in sieve.kinds
	rec  payload.Record
	m    mapping
}

// A logEntry is a mapped record, as much of it as the replay of a shadow needs, in 40 bytes.
// Its email and identity, trimmed, as written, are where the input has them, when it can be
// read again and has them as they are (inInputBit); else they are copied to sieve.texts.
type logEntry struct {
	hashes      [numKeyKinds - 1]uint32 // by position in sieve.kinds
	line        uint32
	integration uint32    // index in sieve.names, and flags in the top bits
	texts       [2]uint64 // where the email and the identity are: a textRef, packed
}

// logEntry.integration holds recordKeys.nonASCII, recordKeys.unhashed and inInputBit in its top
// bits: 2²³ integrations are more than a run can have.
const (
	nonASCIIShift = 32 - (numKeyKinds - 1)
	unhashedShift = nonASCIIShift - (numKeyKinds - 1)
	inInputBit    = 1 << (unhashedShift - 1)
	allKinds      = 1<<(numKeyKinds-1) - 1 // a bit for every position in sieve.kinds
)

func (e *logEntry) nonASCII() uint8 { return uint8(e.integration >> nonASCIIShift) }

// unhashed is recordKeys.unhashed: a bit by position in sieve.kinds.
func (e *logEntry) unhashed() uint8 { return uint8(e.integration>>unhashedShift) & allKinds }

func (e *logEntry) inInput() bool { return e.integration&inInputBit != 0 }

// maxIntegrations is how many integrations the log can tell apart; a variable for tests.
var maxIntegrations = inInputBit

func (e *logEntry) integrationIndex() uint32 { return e.integration & (inInputBit - 1) }

// A textRef is where a logged record's email and identity are: in the input, at offset at and
// at+delta (inInputBit), or in sieve.texts, one after the other, from the Text's pos at. sum is
// a hash of the two, to tell that what is read again is what was read (see textSum).
type textRef struct {
	at                    int64
	emailLen, identityLen int
	delta                 int64
	sum                   uint32
}

// The widths of a packed textRef's parts: a field is at most 64 KiB and a record at most
// 1 MiB (the readers' limits), an offset at most 1 TiB.
const (
	refAtBits, refLenBits, refDeltaBits = 40, 17, 21
	refSumLowBits                       = 64 - refLenBits - refDeltaBits // the rest of sum is in the first word
)

// packTextRef packs the parts of a textRef into two words, which unpackTextRef takes apart;
// ok is false if a part does not fit. sieve.add logs a textRef without making one: a struct
// built and then copied stalls (see chunked.grow), and this one was a tenth of add's time.
func packTextRef(at int64, emailLen, identityLen int, delta int64, sum uint32) (w0, w1 uint64, ok bool) {
	const lenMax, deltaMax = 1<<refLenBits - 1, 1<<(refDeltaBits-1) - 1
	if at < 0 || at >= 1<<refAtBits || emailLen > lenMax || identityLen > lenMax || delta > deltaMax || delta < -deltaMax {
		return 0, 0, false
	}
	w0 = uint64(at) | uint64(emailLen)<<refAtBits | uint64(sum>>refSumLowBits)<<(refAtBits+refLenBits)
	w1 = uint64(identityLen) | (uint64(delta)&(1<<refDeltaBits-1))<<refLenBits | uint64(sum)<<(refLenBits+refDeltaBits)
	return w0, w1, true
}

func unpackTextRef(w [2]uint64) textRef {
	return textRef{
		at:          int64(w[0] & (1<<refAtBits - 1)),
		emailLen:    int(w[0] >> refAtBits & (1<<refLenBits - 1)),
		identityLen: int(w[1] & (1<<refLenBits - 1)),
		delta:       int64(w[1]<<(64-refLenBits-refDeltaBits)) >> (64 - refDeltaBits), // with its sign
		sum:         uint32(w[0]>>(refAtBits+refLenBits))<<refSumLowBits | uint32(w[1]>>(refLenBits+refDeltaBits)),
	}
}

// sameKeys reports whether the keys of a shadow's texts, read again, are those its entry
// logged: a second check, after textRef.sum, that the input has not changed under the run. The
// look-alike keys an entry left unhashed are not known, and not compared.
func (s *sieve) sameKeys(e *logEntry, keys *recordKeys) bool {
	for i := range s.kinds {
		if e.unhashed()&(1<<i) == 0 && keys.hashes[i] != e.hashes[i] {
			return false
		}
	}
	return true
}

// textSum hashes a mapping's email and identity as written, for textRef.sum.
func textSum(m *mapping) uint32 {
	h := keyHasher{m: m}
	return h.textSum()
}

// A fileStart is where the records of an input begin in the log.
type fileStart struct {
	seq  int
	file uint32
}

// chunked holds the log entries, the suspects or the record stage's findings, in chunks: it
// grows without copying what it holds, as a slice would each time it doubles.
type chunked[T any] struct {
	chunks [][]T
	n      int
}

const chunkLen = 1 << 12

func (l *chunked[T]) append(e T) int {
	*l.grow() = e
	return l.n - 1
}

// grow adds a zero element and returns it, for the caller to set in place: a struct built
// member by member and then copied is copied 16 bytes at a time, and each load that spans two
// of the stores just made waits for both to complete (a store-forwarding stall). The log's
// entries were a third of sieve.add's time.
func (l *chunked[T]) grow() *T {
	if l.n%chunkLen == 0 {
		c := make([]T, chunkLen)
		touchPages(c) // the garbage collector may read the end before append writes it
		l.chunks = append(l.chunks, c[:0])
	}
	c := &l.chunks[len(l.chunks)-1]
	*c = (*c)[:len(*c)+1]
	l.n++
	return &(*c)[len(*c)-1]
}

func (l *chunked[T]) at(i int) *T { return &l.chunks[i/chunkLen][i%chunkLen] }

func (s *sieve) init(checks []ruleCheck) {
	s.checks = checks
	for _, c := range checks {
		var bits uint8
		for _, kind := range c.rule.setKeys {
			k := slices.Index(s.kinds, kind)
			if k < 0 {
				k = len(s.kinds)
				s.kinds = append(s.kinds, kind)
			}
			bits |= 1 << k
		}
		s.checkKeys = append(s.checkKeys, bits)
	}
	s.filter.reset(bloomMinWords)
	s.nonASCII.reset(bloomMinWords)
	s.maxLazy = maxLazyLookAlikes
}

// salted folds a key hash to the 32 bits the log and filter keep, apart for each kind: an
// identity that is its owner's email must not look like a repeat of the email's key.
func salted(h uint64, k keyKind) uint32 {
	return uint32(h>>32) ^ uint32(h) ^ uint32(k)*0x9E3779B9
}

// recordKeys are a mapped record's key hashes, salted (see salted), by position in
// sieve.kinds.
type recordKeys struct {
	hashes   [numKeyKinds - 1]uint32
	nonASCII uint8 // a bit by position: the look-alike key's text is not ASCII (see lookAlikeSuspect)
	// unhashed, a bit by position: the look-alike key of an ASCII text is not computed (it is
	// 0). Until the run has a non-ASCII text of a look-alike kind (an email, an identity),
	// nothing needs that kind's keys — most runs never have one, and almost none has a
	// non-ASCII identity — so the workers skip them, and the scan of each text they cost
	// (see keyHasher). The sieve computes them when it needs them after all (see add and
	// hashLookAlikes).
	unhashed uint8
	// exact hashes the non-ASCII look-alike texts themselves (see add).
	exact [numKeyKinds - 1]uint64
	// integration hashes the integration (see internIntegration), and sum is textSum: the
	// workers compute them with the keys, which hash the same texts.
	integration uint64
	sum         uint32
}

// keysOf computes a record's keys, but the look-alike keys of ASCII texts only for the kinds
// in lookAlikes, a bit by position. It changes nothing, so the record stage's workers call it
// in parallel; scratch is the caller's.
func (s *sieve) keysOf(m *mapping, scratch *[]byte, lookAlikes uint8) recordKeys {
	var k recordKeys
	s.keysInto(&k, m, scratch, lookAlikes)
	return k
}

// keysInto is keysOf, setting *k in place: the record stage's workers set each record's keys
// in its batch, where a copy of the result would stall (see chunked.grow).
func (s *sieve) keysInto(k *recordKeys, m *mapping, scratch *[]byte, lookAlikes uint8) {
	*k = recordKeys{}
	hasher := keyHasher{m: m, scratch: scratch}
	for i, kind := range s.kinds {
		lookAlike, needed := kind.isLookAlike(), lookAlikes&(1<<i) != 0
		// When the key is needed, OwnKey, which the key needs anyway, tells whether the text is
		// ASCII. When it is not, IsASCII alone is cheaper.
		var nonASCII bool
		if lookAlike && needed {
			_, isASCII := hasher.ownKey(kind)
			nonASCII = !isASCII
		} else if lookAlike {
			nonASCII = !ascii.IsASCII(kind.text(m))
		}
		if lookAlike && !nonASCII && !needed {
			k.unhashed |= 1 << i
			continue
		}
		h := hasher.key(kind)
		k.hashes[i] = salted(h, kind)
		if nonASCII {
			k.nonASCII |= 1 << i
			k.exact[i] = mix(h, maphash.String(seed, kind.text(m))) // the text within its key's group
		}
	}
	if len(s.kinds) > 0 {
		k.integration, k.sum = hasher.integrationHash(), hasher.textSum()
	}
}

// needsLookAlikes tells the workers the kinds whose look-alike keys of ASCII texts to compute:
// those of which a non-ASCII text has been logged. They may read it late; add makes up for it.
func (s *sieve) needsLookAlikes() uint8 { return uint8(s.sawNonASCII.Load()) }

// maxLazyLookAlikes and lazyLookAlikeShare bound how many non-ASCII look-alike texts the sieve
// takes for suspects untested before it puts the look-alike keys in its filter (see
// lookAlikeSuspect): 4,096, or one in 256 of the records expected in the run, whichever is
// more. Their copies cost a few bytes a record on average, against the 40 of the log, and
// replaying them a few nanoseconds a record, against the two cache misses a record that the
// filter saves. The later repeats of those texts stay suspects too.
const (
	maxLazyLookAlikes  = 1 << 12
	lazyLookAlikeShare = 256
)

// lazyLimit is how many non-ASCII look-alike texts may be taken for suspects untested.
func (s *sieve) lazyLimit() int { return max(s.maxLazy, int(s.expected/lazyLookAlikeShare)) }

// add logs a mapped record, with its keys from keysOf, and keeps a copy of it if it is a
// suspect. Records must be added in input order.
func (s *sieve) add(rec *payload.Record, m *mapping, keys *recordKeys, at Ref) {
	if len(s.kinds) == 0 {
		return
	}
	// A record the log cannot rebuild as a shadow is kept whole instead: past 4 GiB of copied
	// texts (see texts), or past 2²³ integrations.
	in, kept := s.internIntegration(m, keys.integration)
	var text0, text1 uint64
	inInput := false
	if s.rereadable(at.File) && m.emailAt >= 0 && m.identityAt >= 0 {
		text0, text1, inInput = packTextRef(m.emailAt, len(m.email), len(m.identity), m.identityAt-m.emailAt, keys.sum)
	}
	if inInput {
		in |= inInputBit
	} else {
		text := s.texts.addPair(m.email, m.identity)
		emailLen := min(len(m.email), int(text.n))
		var ok bool
		text0, text1, ok = packTextRef(int64(text.pos), emailLen, int(text.n)-emailLen, 0, 0)
		kept = kept && ok && text.pos != notKept
	}
	need := s.needsLookAlikes() | keys.nonASCII
	if !kept || s.everySuspect {
		need = allKinds // a suspect in every key, which must then be known
	}
	if keys.unhashed&need != 0 {
		fresh := s.keysOf(m, &s.scratch, need) // a worker did not know yet that they are needed
		keys = &fresh
	}
	if first := keys.nonASCII &^ s.needsLookAlikes(); first != 0 {
		s.hashLookAlikes(first) // and adds them to sawNonASCII
	}
	if !s.lookAlikesInFilter && s.lazyLookAlikes >= s.lazyLimit() {
		// Before this record's keys go in: the filter is rebuilt from the log, without it.
		s.lookAlikesInFilter = true
		s.rebuild(&s.filter, false, s.fitWords())
	}
	var seen uint8
	for i, kind := range s.kinds {
		h, bit := keys.hashes[i], uint8(1)<<i
		lookAlike := kind.isLookAlike()
		if lookAlike && keys.unhashed&bit == 0 && s.lookAlikeSuspect(h, keys.nonASCII&bit != 0, keys.exact[i]) ||
			!lookAlike && s.filter.testAndAdd(h) || s.everySuspect || !kept {
			seen |= bit
		}
	}
	if n := len(s.files); n == 0 || s.files[n-1].file != at.File {
		s.files = append(s.files, fileStart{seq: s.log.n, file: at.File})
	}
	seq := s.log.n
	e := s.log.grow() // set in place: see grow
	e.hashes, e.line, e.texts[0], e.texts[1] = keys.hashes, at.Line, text0, text1
	e.integration = in | uint32(keys.nonASCII)<<nonASCIIShift | uint32(keys.unhashed)<<unhashedShift
	if s.filter.full() {
		s.rebuild(&s.filter, false, 2*len(s.filter.words))
	}
	if s.nonASCII.full() {
		s.rebuild(&s.nonASCII, true, 2*len(s.nonASCII.words))
	}
	if seen != 0 {
		// rec's values, and m's texts cut from them, go with their batch (see batch.values).
		c := suspect{seq: seq, seen: seen, rec: copyRecord(rec)}
		if !mappingOf(&c.rec, &c.m) {
			panic("validate: the copy of a mapped record has no mapping")
		}
		s.suspects.append(c)
	}
}

// warm loads the filter's words for a record's keys, before add tests them. The filter is
// too big for the caches, so each key costs a miss; warming a whole batch first lets the
// processor wait for many misses at once instead of one after another.
func (s *sieve) warm(keys *recordKeys) {
	for i, h := range keys.hashes[:len(s.kinds)] {
		if s.kinds[i].isLookAlike() && !s.lookAlikesInFilter {
			continue
		}
		w, _ := s.filter.slot(h)
		s.warmth += s.filter.words[w]
	}
}

// lookAlikeSuspect adds a look-alike key to the filters and reports whether its record is a
// suspect for it. A skeleton repeats whenever an email is mapped in several integrations, as
// most are, but unicode-spoofing reports two texts with one skeleton only when they differ and
// one of them is non-ASCII, which is rare. So:
//   - an ASCII text is a suspect only when a non-ASCII one had its skeleton before: the
//     skeletons of non-ASCII texts have a small filter of their own;
//   - a non-ASCII text is a suspect when any text had its skeleton before, but its repeats
//     only if its first occurrence was: a repeat can report only what the first did. exact,
//     the text's own hash, keys a map with one entry per distinct non-ASCII text.
//
// Any other text is the first with its skeleton, or shares it with ASCII texts only, and the
// rule reports neither.
//
// Whether any text had a skeleton before needs the skeletons of all ASCII texts in the filter,
// one more cache miss for each key of every record, only to test the rare non-ASCII ones. So
// at first the filter leaves them out, and every non-ASCII text is taken for a suspect: its
// replay costs little, and the replay finds the texts that share its skeleton in the log. Past
// lazyLimit such texts, a run with many non-ASCII texts (a Cyrillic file) would keep too many
// copies: add then puts every look-alike key logged in the filter, and from then on the
// non-ASCII texts are tested.
func (s *sieve) lookAlikeSuspect(h uint32, nonASCII bool, exact uint64) bool {
	if !nonASCII {
		if s.lookAlikesInFilter {
			s.filter.add(h)
		}
		return s.nonASCII.test(h)
	}
	s.nonASCII.add(h)
	seen := true
	if s.lookAlikesInFilter {
		seen = s.filter.testAndAdd(h)
	} else {
		s.lazyLookAlikes++
	}
	if first, ok := s.exactTexts[exact]; ok {
		return first
	}
	if s.exactTexts == nil {
		s.exactTexts = map[uint64]bool{}
	}
	s.exactTexts[exact] = seen
	return seen
}

// hashLookAlikes computes the look-alike keys of the given kinds (a bit by position) that the
// log lacks, once for each kind, when the first non-ASCII text of the kind comes, and adds them
// to the filter if it holds look-alike keys (see lookAlikeSuspect). From then on the workers
// compute the kind's keys for every record.
func (s *sieve) hashLookAlikes(kinds uint8) {
	var r payload.Record
	file := 0 // the entry's input, an index in s.files
	for i := range s.log.n {
		e := s.log.at(i)
		for file+1 < len(s.files) && s.files[file+1].seq <= i {
			file++
		}
		if e.unhashed()&kinds == 0 {
			continue
		}
		m, ok := s.shadow(e, Ref{File: s.files[file].file, Line: e.line}, &r, nil)
		if !ok {
			// Its look-alike keys stay unknown, so no look-alike group can be trusted to be
			// whole: the replay leaves the look-alike rule out. The input is in Result.Unread.
			s.lostLookAlikes = true
			continue
		}
		keys := s.keysOf(&m, &s.scratch, kinds)
		for j := range s.kinds {
			if e.unhashed()&kinds&(1<<j) != 0 {
				e.hashes[j] = keys.hashes[j]
				if s.lookAlikesInFilter {
					s.filter.add(e.hashes[j])
				}
			}
		}
		e.integration &^= uint32(kinds) << unhashedShift
	}
	s.closeRereader()
	s.sawNonASCII.Or(uint32(kinds))
	s.fit()
	if s.filter.full() {
		s.rebuild(&s.filter, false, 2*len(s.filter.words))
	}
}

// internIntegration returns the index of m's integration in names; ok is false when the log
// has no room for another (see logEntry.integration).
func (s *sieve) internIntegration(m *mapping, hash uint64) (_ uint32, ok bool) {
	name := integrationName{m.integration, m.legacy}
	slot := &s.recent[hash%uint64(len(s.recent))]
	if i := *slot; i != 0 && s.names[i-1] == name {
		return i - 1, true
	}
	i, ok := s.intern[name]
	if !ok {
		if len(s.names) == maxIntegrations {
			return 0, false
		}
		if s.intern == nil {
			s.intern = map[integrationName]uint32{}
		}
		i = uint32(len(s.names))
		name.name = strings.Clone(name.name) // cut from a record's value (see batch.values)
		s.intern[name] = i
		s.names = append(s.names, name)
	}
	*slot = i + 1
	return i, true
}

// rebuild resizes a filter to words and adds to it again every logged key it held: to the
// filter, every key computed, but the look-alike keys only once lookAlikesInFilter; to the
// nonASCII filter, the look-alike keys of non-ASCII texts.
func (s *sieve) rebuild(f *bloom, nonASCII bool, words int) {
	f.reset(words)
	for _, c := range s.log.chunks {
		for i := range c {
			e := &c[i]
			for j, h := range e.hashes[:len(s.kinds)] {
				inFilter := e.unhashed()&(1<<j) == 0 && (s.lookAlikesInFilter || !s.kinds[j].isLookAlike())
				if !nonASCII && inFilter || nonASCII && e.nonASCII()&(1<<j) != 0 {
					f.add(h)
				}
			}
		}
	}
}

// maxExpectedWords caps what expect reserves: 64 MiB, enough for some ten million records.
// Beyond, the filter grows as records come.
const maxExpectedWords = 1 << 23

// expect makes room in the filter for the records of an input of size bytes, so that a big
// file does not have the filter rebuilt again and again as it grows: each rebuild allocates
// fresh memory and rereads the whole log. A record takes about 48 bytes or more as CSV, 80
// as JSON: a little less makes the filter rebuild once, which is cheaper than a filter twice
// as big.
func (s *sieve) expect(size int64, format payload.Format) {
	if len(s.kinds) == 0 || size <= 0 {
		return
	}
	recordBytes := int64(80)
	if format == payload.FormatCSV {
		recordBytes = 48
	}
	s.expected += size / recordBytes
	s.fit()
}

// fit grows the filter to hold the keys of the records expect expects (see fitWords).
func (s *sieve) fit() {
	if words := s.fitWords(); words > len(s.filter.words) {
		s.rebuild(&s.filter, false, words)
	}
}

// fitWords is the size of a filter for the keys of the records expect expects, and at least
// the filter's size now. The keys are those that are not look-alikes, and, once they go in the
// filter (lookAlikesInFilter), the look-alike keys of the kinds that are computed.
func (s *sieve) fitWords() int {
	perRecord := 0 // the keys that go in the filter
	for i, kind := range s.kinds {
		if !kind.isLookAlike() || s.lookAlikesInFilter && s.needsLookAlikes()&(1<<i) != 0 {
			perRecord++
		}
	}
	keys := s.expected * int64(perRecord)
	words := len(s.filter.words)
	for int64(words)*64/bloomBitsPerKey < keys && words < maxExpectedWords {
		words *= 2
	}
	return words
}

// copyRecord copies what the reader will reuse: the Fields and Extra slices and the Text.
func copyRecord(rec *payload.Record) payload.Record {
	c := *rec
	c.Fields = append([]payload.Field(nil), rec.Fields...)
	c.Extra = append([]payload.Field(nil), rec.Extra...)
	c.Text = append([]byte(nil), rec.Text...)
	// The values too, in one string, which the record's do not outlive (see batch.values).
	n := 0
	for f := range c.Cells() {
		n += len(f.Value)
	}
	var values strings.Builder
	values.Grow(n)
	for f := range c.Cells() {
		values.WriteString(f.Value)
	}
	all := values.String()
	for f := range c.Cells() {
		f.Value, all = all[:len(f.Value)], all[len(f.Value):]
	}
	return c
}

// replay runs the set rules over the suspects and the records that share a key hash with one,
// in input order, and returns their findings. st is the set stage, with the rules enabled and
// the run's input names.
func (s *sieve) replay(st *stage) []Finding {
	if s.suspects.n == 0 || len(s.checks) == 0 {
		return nil
	}
	// The keys to replay, in a filter of their own: its false positives only replay a few
	// more shadows, which report nothing. Only the keys that made each suspect are needed:
	// another key of a suspect that occurs twice makes a suspect of its own.
	relevant := s.relevantKeys()

	// When a shadow cannot be read again (its input changed: Result.Unread), replaying the
	// records after it that share one of its keys would compare them with the wrong earlier
	// record, and make findings up. So its keys are lost: a rule is not run on a record with a
	// lost key of the rule, which loses that record's keys of the rule in turn. Every finding
	// then is one the whole run would give; some are missing.
	lost := map[uint32]bool{}
	loseKeys := func(e *logEntry, keys uint8) {
		for k, h := range e.hashes[:len(s.kinds)] {
			if keys&(1<<k) != 0 {
				lost[h] = true
			}
		}
	}
	p := &st.pass
	p.st = st
	var shadow payload.Record
	for hit := range s.relevantEntries(relevant, runtime.GOMAXPROCS(0)-1) {
		keys := hit.keys
		e := s.log.at(hit.seq)
		at := Ref{File: hit.file, Line: e.line}
		// Run the rules whose key in this record is to be replayed; for the others, the record
		// is the first and only one with its key. Every suspect is a hit: its keys are relevant.
		if hit.suspect >= 0 {
			sp := s.suspects.at(hit.suspect)
			p.rec, p.m = &sp.rec, sp.m
		} else {
			var read *textsRead
			if hit.readAhead {
				read = &hit.read
			}
			var ok bool
			if p.m, ok = s.shadow(e, at, &shadow, read); !ok {
				loseKeys(e, keys)
				continue
			}
			p.rec = &shadow
		}
		var lostKeys uint8
		for k, h := range e.hashes[:len(s.kinds)] {
			if keys&(1<<k) != 0 && (len(lost) > 0 && lost[h] || s.lostLookAlikes && s.kinds[k].isLookAlike()) {
				lostKeys |= 1 << k
			}
		}
		st.fileIdx, st.file = int(at.File), st.files[at.File]
		p.mapped, p.account, p.accountDone = true, accountView{}, false
		start := len(st.findings)
		for i, c := range s.checks {
			switch mine := keys & s.checkKeys[i]; {
			case mine == 0:
			case lostKeys&mine != 0:
				loseKeys(e, mine)
			default:
				p.rule = c.rule
				c.fn(p)
			}
		}
		p.done()
		st.findings = dedupeRecord(st.findings, start)
		if st.keep != nil {
			for i := range st.findings {
				st.keep.add(&st.findings[i])
			}
			st.findings = st.findings[:0]
		}
	}
	s.closeRereader()
	s.rrBroken = nil
	return st.findings
}

// relevantKeys returns the keys to replay, in a filter of their own.
func (s *sieve) relevantKeys() *bloom {
	var relevant bloom
	words := bloomMinWords
	for words*64/bloomBitsPerKey < s.suspects.n*len(s.kinds) {
		words *= 2
	}
	relevant.reset(words)
	// Unhashed look-alike keys are never relevant (see replayKeys).
	for i := range s.suspects.n {
		sp := s.suspects.at(i)
		for k, h := range s.log.at(sp.seq).hashes[:len(s.kinds)] {
			if sp.seen&(1<<k) != 0 {
				relevant.add(h)
			}
		}
	}
	return &relevant
}

// A hit is a log entry with a key to replay: the kinds of those keys, a bit by position. A
// shadow whose texts are in its input has them in read: the scan reads them again, on another
// core, so that the replay does not wait for the reads. Each part of the log is read with a
// rereader of its own. An input cut short, or with other bytes now, fails a record by its own
// bytes, so the same records as one rereader for the whole log would; a read error fails a
// whole block, so it may fail other records near it (see TestReplayReadFails).
type hit struct {
	seq       int
	keys      uint8
	file      uint32 // the entry's input, as Ref.File has it
	suspect   int    // the entry's suspect, an index in sieve.suspects; -1 for a shadow
	readAhead bool   // read holds the texts
	read      textsRead
}

// relevantEntries yields the log entries that have a key relevant holds, in log order, each
// with its input and its suspect, if it is one. The scan reads the whole log, but only the
// hits, a few in a hundred, are replayed. It runs after every record has been read, when the
// cores have little else to do: the log is cut into parts of replayScanPart entries, which
// goroutines (as many as scanners says) scan ahead of the replay (see scanAhead), so that the
// replay starts after the first part instead of after the whole log.
func (s *sieve) relevantEntries(relevant *bloom, scanners int) iter.Seq[hit] {
	parts := max(1, (s.log.n+replayScanPart-1)/replayScanPart)
	scan := func(p int) (found []hit) {
		lo, hi := s.log.n*p/parts, s.log.n*(p+1)/parts
		// The suspect and the input at or after lo.
		next := sort.Search(s.suspects.n, func(i int) bool { return s.suspects.at(i).seq >= lo })
		file := max(0, sort.Search(len(s.files), func(i int) bool { return s.files[i].seq > lo })-1)
		var rr *rereader
		defer func() {
			if rr != nil {
				rr.close()
			}
		}()
		for seq := lo; seq < hi; seq++ {
			e := s.log.at(seq)
			keys := s.replayKeys(e, relevant)
			if keys == 0 {
				continue
			}
			for file+1 < len(s.files) && s.files[file+1].seq <= seq {
				file++
			}
			for next < s.suspects.n && s.suspects.at(next).seq < seq {
				next++
			}
			found = append(found, hit{seq: seq, keys: keys, file: s.files[file].file, suspect: -1})
			h := &found[len(found)-1]
			if next < s.suspects.n && s.suspects.at(next).seq == seq {
				h.suspect = next
				continue
			}
			if !e.inInput() || s.noReadAhead {
				continue // a shadow with its texts in the log, or one the replay reads itself
			}
			if rr == nil || rr.file != h.file {
				if rr != nil {
					rr.close()
				}
				rr = openRereader(s.source(h.file), h.file)
			}
			h.read, h.readAhead = readTexts(rr, unpackTextRef(e.texts)), true
		}
		return found
	}
	if parts == 1 {
		scanners = 0
	}
	return func(yield func(hit) bool) {
		for found := range scanAhead(parts, scanners, scan) {
			for _, h := range found {
				if !yield(h) {
					return
				}
			}
		}
	}
}

// scanAhead yields scan(0), scan(1), … scan(parts-1), in order, while goroutines (as many as
// workers says) work out the parts ahead of the caller, each taking the next part not taken:
// the caller uses a part as soon as it is done. Past the part the caller is on, they take at
// most scanAheadParts parts, so that the memory of the parts does not grow with the input.
// With no workers, the caller works out each part as it goes. When the caller stops early (or
// panics), the workers take no more parts, and scanAhead returns once the parts they are on
// are done. A panic in a worker is raised again in the caller, with the worker's stack.
func scanAhead[T any](parts, workers int, scan func(p int) T) iter.Seq[T] {
	if workers <= 0 {
		return func(yield func(T) bool) {
			for p := range parts {
				if !yield(scan(p)) {
					return
				}
			}
		}
	}
	return func(yield func(T) bool) {
		out := make([]T, parts)
		done := make([]chan struct{}, parts) // closed when out[p] is set
		for p := range done {
			done[p] = make(chan struct{})
		}
		var next atomic.Int64 // the next part to take
		var failure *workerPanic
		var failOnce sync.Once
		failed := make(chan struct{}) // closed with failure set: the workers stop
		quit := make(chan struct{})
		// A token for each part taken and not yet yielded: a worker sends one before it takes
		// a part, the caller takes one back as it yields a part.
		ahead := make(chan struct{}, scanAheadParts)
		var wg sync.WaitGroup
		defer wg.Wait()   // no worker outlives the caller's loop,
		defer close(quit) // which may stop early
		for range min(workers, parts) {
			wg.Go(func() {
				defer func() {
					if r := recover(); r != nil {
						failOnce.Do(func() { failure = caught(r); close(failed) })
					}
				}()
				for {
					select {
					case ahead <- struct{}{}:
					case <-quit:
						return
					case <-failed:
						return
					}
					p := int(next.Add(1) - 1)
					if p >= parts {
						return
					}
					select { // the send may have won over a quit that came at the same time
					case <-quit:
						return
					case <-failed:
						return
					default:
					}
					out[p] = scan(p)
					close(done[p])
				}
			})
		}
		for p := range parts {
			select {
			case <-done[p]:
			case <-failed:
				panic(failure)
			}
			v := out[p]
			var zero T
			out[p] = zero // let go of a part once used
			<-ahead       // part p's: a worker may take another part
			if !yield(v) {
				return
			}
		}
	}
}

// replayScanPart is how many log entries a part of the replay's scan holds; a variable for
// tests.
var replayScanPart = 1 << 16

// scanAheadParts is how many parts past the caller's scanAhead's workers may take:
// enough to keep them busy while the caller is slow on one part, few enough that the parts'
// hits, and the texts read for them, stay a few megabytes when most entries are hits.
const scanAheadParts = 4

// replayKeys returns the kinds, a bit by position, of an entry's keys that relevant holds. A
// key left unhashed (recordKeys.unhashed) is never relevant, though its 0 may be in relevant as
// another key's false positive: a kind's keys are left unhashed only while the run has no
// non-ASCII text of the kind, and then none of them repeats.
func (s *sieve) replayKeys(e *logEntry, relevant *bloom) uint8 {
	var keys uint8
	for k, h := range e.hashes[:len(s.kinds)] {
		if e.unhashed()&(1<<k) == 0 && relevant.test(h) {
			keys |= 1 << k
		}
	}
	return keys
}

// shadow rebuilds a logged record and its mapping into r: the three fields of its mapping, at
// its line. Its Index is -1 and it has no Text; a shadow reports nothing (see sieve), but if a
// rule ever did, the finding would still be well formed. ok is false when its input could not
// be read again as it was: the record cannot be replayed (see Result.Unread). What is read
// again must have the sum of the texts read (see textsOf) and the keys logged.
//
// read is what the replay's scan read of the texts (see hit), or nil to read them here.
func (s *sieve) shadow(e *logEntry, at Ref, r *payload.Record, read *textsRead) (m mapping, ok bool) {
	in := s.names[e.integrationIndex()]
	email, identity, ok := s.textsOf(e, at.File, read)
	if !ok {
		return m, false
	}
	m = newMapping(email, in.name, in.legacy, identity)
	if e.inInput() {
		if keys := s.keysOf(&m, &s.scratch, allKinds&^e.unhashed()); !s.sameKeys(e, &keys) {
			s.fail(at.File, errChanged)
			return m, false
		}
	}
	pos := payload.Pos{Line: int(at.Line), Col: 1}
	idName, inName, inKind := payload.FieldIdentity, payload.FieldIntegrationID, payload.KindNumber
	if in.legacy {
		idName, inName, inKind = payload.FieldCloudID, payload.FieldApplicationType, payload.KindString
	}
	r.Fields = append(r.Fields[:0],
		payload.Field{Name: payload.FieldEmail, Value: email, Kind: payload.KindString, Pos: pos, KeyPos: pos},
		payload.Field{Name: inName, Value: in.name, Kind: inKind, Pos: pos, KeyPos: pos},
		payload.Field{Name: idName, Value: identity, Kind: payload.KindString, Pos: pos, KeyPos: pos})
	r.Index, r.Pos, r.End, r.Kind = -1, pos, pos, payload.KindObject
	return m, true
}

// textsOf returns a logged record's email and identity: from the text store, or read again
// from the input of the given index, or as read holds them when the replay's scan read them
// (see hit). ok is false, and the input is noted in s.failed, when the input cannot be read
// again or has other texts there now: what is read again must have the sum of what was read.
func (s *sieve) textsOf(e *logEntry, file uint32, read *textsRead) (email, identity string, ok bool) {
	ref := unpackTextRef(e.texts)
	if !e.inInput() {
		t := Text{pos: uint32(ref.at), n: uint32(ref.emailLen + ref.identityLen)}
		if t.pos == notKept {
			return s.texts.get(t), "", true
		}
		b := s.texts.bytes(t)
		return string(b[:ref.emailLen]), string(b[ref.emailLen:]), true
	}
	var r textsRead
	switch {
	case read == nil:
		if s.rr == nil || s.rr.file != file {
			s.closeRereader()
			s.rr = openRereader(s.source(file), file)
		}
		r = readTexts(s.rr, ref)
	case s.rrBroken != nil && s.rrBroken.file == file:
		// The scan reads each part of the log afresh, where one rereader failing would have
		// failed every later read of the input: so it does here.
		r.err = s.rrBroken.err
	default:
		r = *read
		if r.inputFailed {
			s.rrBroken = &rereadFailure{file, r.err}
		}
	}
	if r.err != nil {
		s.fail(file, r.err)
		return "", "", false
	}
	return r.email, r.identity, true
}

// textsRead is a logged record's email and identity as read again from its input, or why they
// could not be: err is errChanged when the input has other texts there now.
type textsRead struct {
	email, identity string
	err             error
	inputFailed     bool // err is the rereader's: it fails every later read too (see rereader.err)
}

// A rereadFailure is an input whose rereader failed, and its error.
type rereadFailure struct {
	file uint32
	err  error
}

// readTexts reads a logged record's email and identity, at ref, with rr. What it reads must
// have the sum of what was read the first time.
func readTexts(rr *rereader, ref textRef) (r textsRead) {
	at, idAt := ref.at, ref.at+ref.delta
	lo := min(at, idAt)
	hi := max(at+int64(ref.emailLen), idAt+int64(ref.identityLen))
	b, err := rr.read(lo, int(hi-lo))
	if err != nil {
		return textsRead{err: err, inputFailed: rr.err != nil}
	}
	m := mapping{email: string(b[at-lo : at-lo+int64(ref.emailLen)]), identity: string(b[idAt-lo : idAt-lo+int64(ref.identityLen)])}
	if textSum(&m) != ref.sum {
		return textsRead{err: errChanged}
	}
	return textsRead{email: m.email, identity: m.identity}
}

// rereadable reports whether input file can be read again.
func (s *sieve) rereadable(file uint32) bool {
	return int(file) < len(s.sources) && s.sources[file].rereadable()
}

// source returns how to read input file again; see setSource.
func (s *sieve) source(file uint32) source {
	if int(file) < len(s.sources) {
		return s.sources[file]
	}
	return source{}
}

// setSource tells how to read input file again, before any of its records is added.
func (s *sieve) setSource(file int, src source) {
	if s.copyTexts {
		return
	}
	for len(s.sources) <= file {
		s.sources = append(s.sources, source{})
	}
	s.sources[file] = src
}

func (s *sieve) closeRereader() {
	if s.rr != nil {
		s.rr.close()
		s.rr = nil
	}
}

// fail notes that an input could not be read again as it was, once.
func (s *sieve) fail(file uint32, err error) {
	for _, f := range s.failed {
		if f.Input == int(file) {
			return
		}
	}
	s.failed = append(s.failed, InputError{Input: int(file), Err: err})
}
