"""What the site engine needs: the hooks and theme of the generated projects."""
