"""Chinese for Qt's own texts (dialog buttons, context menus) and a font that has the glyphs."""
from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

CJK_FAMILIES = ["Microsoft YaHei", "微软雅黑", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC",
                "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "SimSun", "宋体"]


def install_translations(app: QApplication) -> list[QTranslator]:
    """Load qtbase_zh_CN / qt_zh_CN from PySide6's translations folder; keep the translators alive."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = []
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        t = QTranslator(app)
        if t.load(name, folder):
            app.installTranslator(t)
            loaded.append(t)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    return loaded


def cjk_family() -> str | None:
    available = set(QFontDatabase.families())
    return next((f for f in CJK_FAMILIES if f in available), None)


def cjk_font(point_size: float | None = None) -> QFont:
    font = QFont(QApplication.font())
    family = cjk_family()
    if family:
        font.setFamilies([family] + [f for f in CJK_FAMILIES if f != family])
    if point_size:
        font.setPointSizeF(point_size)
    return font


def install_font(app: QApplication) -> None:
    app.setFont(cjk_font())
