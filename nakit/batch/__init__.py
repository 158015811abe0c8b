"""Running many notebook jobs: manifests, parallel or distributed execution, caching, gathering."""
