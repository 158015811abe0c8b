"""The shared reader contract (issue #15): every nakit reader against the same bad inputs."""
