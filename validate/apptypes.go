package validate

import "strings"

// ApplicationTypes are the applicationType values SEI knows, for the legacy cloud-ids body.
var ApplicationTypes = []string{
	"GITHUB", "GITHUB_ENTERPRISE",
	"GITLAB", "GITLAB_CLOUD", "GITLAB_ENTERPRISE",
	"BITBUCKET", "BITBUCKET_CLOUD", "BITBUCKET_SERVER",
	"AZURE_DEVOPS", "HARNESS_CODE", "GERRIT", "PERFORCE_HELIX_SERVER",
	"JIRA", "CUSTOM",
}

// knownApplicationType reports whether s is one of ApplicationTypes (TestKnownApplicationType
// checks that they agree). It runs for every legacy record, and a switch, compiled to
// comparisons by length and then by content, costs a few nanoseconds where a map lookup
// costs tens: it hashes s first, then reads memory that the stream of records keeps pushing
// out of the cache.
func knownApplicationType(s string) bool {
	switch s {
	case "GITHUB", "GITHUB_ENTERPRISE",
		"GITLAB", "GITLAB_CLOUD", "GITLAB_ENTERPRISE",
		"BITBUCKET", "BITBUCKET_CLOUD", "BITBUCKET_SERVER",
		"AZURE_DEVOPS", "HARNESS_CODE", "GERRIT", "PERFORCE_HELIX_SERVER",
		"JIRA", "CUSTOM":
		return true
	}
	return false
}

// caseInsensitiveLogins reports whether an application type's account IDs ignore case, so that
// "JaneDoe" and "janedoe" are one account: GitHub, GitLab, Bitbucket, Azure DevOps, Harness Code
// and Jira logins are; Gerrit, Perforce and custom IDs are compared exactly.
func caseInsensitiveLogins(appType string) bool {
	switch {
	case strings.HasPrefix(appType, "GITHUB"), strings.HasPrefix(appType, "GITLAB"),
		strings.HasPrefix(appType, "BITBUCKET"):
		return true
	}
	switch appType {
	case "AZURE_DEVOPS", "HARNESS_CODE", "JIRA":
		return true
	}
	return false
}
