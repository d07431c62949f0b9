"""The responsible units of each improvement route, quoted as policy §四(一) names them."""

from communities.choices import Route

# Proper names quoted from the policy text; they are shown as written, not translated.
RESPONSIBLE_UNITS = {
    Route.INTEGRATED: [
        "市自然资源规划局",
        "市环杭州湾创新中心",
        "慈溪城投集团",
        "相关镇政府/街道办事处",
    ],
    Route.FUTURE: [
        "市发改局",
        "市教育局",
        "市民政局",
        "市财政局",
        "市自然资源规划局",
        "市住建局",
        "市文广旅体局",
        "市卫生健康局",
        "市融媒体中心",
        "市国有资产管理中心",
        "慈溪城投集团",
        "相关镇政府/街道办事处",
    ],
    Route.GAP: [
        "市发改局",
        "市教育局",
        "市民政局",
        "市财政局",
        "市自然资源规划局",
        "市住建局",
        "市文广旅体局",
        "市卫生健康局",
        "市国有资产管理中心",
        "慈溪城投集团",
        "相关镇政府/街道办事处",
    ],
}
