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

// knownApplicationType is ApplicationTypes as a set.
var knownApplicationType = func() map[string]bool {
	m := make(map[string]bool, len(ApplicationTypes))
	for _, t := range ApplicationTypes {
		m[t] = true
	}
	return m
}()

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
