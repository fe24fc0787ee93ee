"""The district's 22 rider stations (names, addresses and coordinates are illustrative)."""

import datetime as dt
from decimal import Decimal

from yixian.core.orgs.models import OrgUnit

from .models import Amenity, RiderStation, StationStatus

ORDER = 100

AMENITIES = [
    ("rest", "休息"), ("water", "饮水"), ("charging", "充电"), ("microwave", "微波炉热饭"), ("toilet", "卫生间"),
    ("first_aid", "急救药箱"), ("wifi", "无线网络"), ("umbrella", "雨具借用"), ("repair", "维修工具"),
    ("legal", "法律咨询"), ("claims", "职业伤害理赔服务"),
]

# name, street, address, longitude, latitude, hours, amenity codes, operator, status
STATIONS = [
    ("武林小哥驿站", "武林", "延安路 530 号", "120.165312", "30.271845", "全天 24 小时", "rest water charging microwave toilet wifi", "武林街道党工委", "open"),
    ("凤起小哥驿站", "长庆", "凤起路 78 号", "120.162001", "30.263117", "07:00-22:00", "rest water charging toilet", "长庆街道", "open"),
    ("潮鸣小哥驿站", "潮鸣", "建国北路 238 号", "120.178466", "30.270912", "全天 24 小时", "rest water charging microwave first_aid", "潮鸣街道", "open"),
    ("朝晖小哥驿站", "朝晖", "朝晖路 168 号", "120.171902", "30.284763", "07:00-23:00", "rest water charging wifi", "朝晖街道", "open"),
    ("文晖小哥驿站", "文晖", "文晖路 303 号", "120.173511", "30.291604", "全天 24 小时", "rest water charging microwave toilet first_aid umbrella", "文晖街道", "open"),
    ("天水小哥驿站", "天水", "中山北路 310 号", "120.167220", "30.275090", "08:00-22:00", "rest water charging", "天水街道", "open"),
    ("米市巷小哥驿站", "米市巷", "湖墅南路 111 号", "120.159833", "30.281410", "全天 24 小时", "rest water charging microwave toilet legal", "米市巷街道", "open"),
    ("珠儿潭小哥驿站", "米市巷", "左家新村 9 幢旁", "120.156812", "30.285226", "07:00-21:00", "rest water charging", "左家新村社区", "open"),
    ("湖墅小哥驿站", "湖墅", "湖墅南路 399 号", "120.155321", "30.292240", "全天 24 小时", "rest water charging microwave first_aid wifi", "湖墅街道", "open"),
    ("信义坊小哥驿站", "湖墅", "信义坊商业步行街 6 号", "120.152105", "30.296003", "09:00-21:00", "rest water toilet", "信义坊商务社区", "upgrading"),
    ("小河小哥驿站", "小河", "小河路 488 号", "120.144215", "30.303318", "全天 24 小时", "rest water charging microwave", "小河街道", "open"),
    ("和睦小哥驿站", "和睦", "登云路 639 号", "120.138702", "30.306615", "07:00-22:00", "rest water charging repair", "和睦街道", "open"),
    ("拱宸桥小哥驿站", "拱宸桥", "丽水路 58 号", "120.144630", "30.318252", "全天 24 小时", "rest water charging microwave toilet claims", "拱宸桥街道", "open"),
    ("大关小哥驿站", "大关", "大关路 100 号", "120.156610", "30.308721", "全天 24 小时", "rest water charging microwave first_aid legal claims", "大关街道", "open"),
    ("上塘小哥驿站", "上塘", "上塘路 1035 号", "120.168904", "30.312680", "07:00-23:00", "rest water charging", "上塘街道", "open"),
    ("皋亭小哥驿站", "上塘", "东新路 1218 号", "120.175013", "30.320566", "08:00-20:00", "rest water", "上塘街道", "planned"),
    ("祥符小哥驿站", "祥符", "祥园路 99 号", "120.122304", "30.331945", "全天 24 小时", "rest water charging microwave wifi", "祥符街道", "open"),
    ("智慧网谷小哥驿站", "祥符", "莫干山路 1418 号", "120.117618", "30.336702", "07:00-22:00", "rest water charging toilet", "智慧网谷商务社区", "open"),
    ("康桥小哥驿站", "康桥", "康桥路 5 号", "120.151820", "30.364113", "全天 24 小时", "rest water charging microwave", "康桥街道", "open"),
    ("半山小哥驿站", "半山", "半山路 116 号", "120.191203", "30.356680", "07:00-21:00", "rest water charging first_aid", "半山街道", "open"),
    ("东新小哥驿站", "东新", "东新路 569 号", "120.179410", "30.301215", "全天 24 小时", "rest water charging microwave toilet umbrella", "东新街道", "open"),
    ("石桥小哥驿站", "石桥", "石桥路 279 号", "120.197744", "30.323104", "全天 24 小时", "rest water charging microwave repair claims", "石桥街道", "open"),
]


def load(ctx) -> None:
    for order, (code, name) in enumerate(AMENITIES, start=1):
        Amenity.objects.update_or_create(code=code, defaults={"name": name, "order": order * 10})
    amenities = {a.code: a for a in Amenity.objects.all()}
    for i, (name, street, address, lng, lat, hours, codes, operator, status) in enumerate(STATIONS, start=1):
        unit = OrgUnit.objects.get(kind="street", short_name=street)
        station, created = RiderStation.objects.get_or_create(
            name=name,
            defaults={
                "org_unit": unit, "address": address, "longitude": Decimal(lng), "latitude": Decimal(lat),
                "opening_hours": hours, "operator": operator, "status": StationStatus(status),
                "contact_name": f"{operator[:2]}联络员", "contact_phone": f"1395710{i:04d}",
                "opened_on": dt.date(2024, 1, 1) + dt.timedelta(days=17 * i),
            },
        )
        if created:
            station.amenities.set([amenities[c] for c in codes.split()])
    ctx.note(f"小哥驿站 {RiderStation.objects.count()} 个")
