"""A one-line progress bar for long management commands."""


def progress_bar(stream, label: str):
    """A callback(done, total) that redraws `label [#####     ] done/total` on one line."""

    def draw(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        end = "\n" if done >= total else ""
        stream.write(f"\r{label} [{'#' * filled}{' ' * (width - filled)}] {done}/{total}{end}", ending="")
        stream.flush()

    return draw if stream is not None else None
