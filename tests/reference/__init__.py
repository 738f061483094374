"""Independent reference implementations that the framework's tests compare against."""
